import type { FlareClientSocket } from '../socket.js'

/** Applies the escalation feature's server events to the store. Called once per connection. */
export function registerEscalationEvents(_socket: FlareClientSocket): void {}
