import type { FlareClientSocket } from '../socket.js'
import {
  applyGroupDeleted,
  applyGroupUpdate,
  applyMemberRemoved,
  applyMemberUpdate,
} from './member-update.js'

/**
 * Changes to the space's members and groups from the server (a new member, a role, a picture,
 * a group created, changed or deleted), so no page needs a reload to see them. Called once per
 * connection.
 */
export function registerProfileEvents(socket: FlareClientSocket): void {
  socket.on('member:updated', (member) => applyMemberUpdate(member))
  socket.on('member:removed', ({ userId }) => applyMemberRemoved(userId))
  socket.on('group:updated', (group) => applyGroupUpdate(group))
  socket.on('group:deleted', ({ groupId }) => applyGroupDeleted(groupId))
}
