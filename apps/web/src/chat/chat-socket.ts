import type { FlareClientSocket } from '../socket.js'

/** Applies the chat feature's server events to the store. Called once per connection. */
export function registerChatEvents(_socket: FlareClientSocket): void {}
