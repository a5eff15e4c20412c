import type { FlareClientSocket } from '../socket.js'
import { applyMemberUpdate } from './member-update.js'

/** Members' profile changes (a new picture) from the server. Called once per connection. */
export function registerProfileEvents(socket: FlareClientSocket): void {
  socket.on('member:updated', (member) => applyMemberUpdate(member))
}
