import type { FlareClientSocket } from '../socket.js'

/** Applies the inbox feature's server events to the store. Called once per connection. */
export function registerInboxEvents(_socket: FlareClientSocket): void {}
