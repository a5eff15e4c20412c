import { type PresenceUpdate, presenceUpdatesOfRows } from '@flare/protocol/client'
import { followOwnRole, ownRoleAmong } from './own-role.js'
import { applyPresenceBatch } from './presence.js'
import type { FlareClientSocket } from './socket.js'
import { announce, useFlare } from './store/index.js'

function nameOf(userId: string): string {
  return (
    useFlare.getState().snapshot?.members.find((m) => m.userId === userId)?.displayName ?? 'Someone'
  )
}

/**
 * Applies the space's presence changes to the snapshot, announces joins and leaves, and
 * follows a change of your own role.
 */
export function registerPresenceEvents(socket: FlareClientSocket): void {
  const onPresence = (updates: readonly PresenceUpdate[]) => {
    const snapshot = useFlare.getState().snapshot
    // updates before the first snapshot are already part of it
    if (!snapshot) return
    const known = new Set(snapshot.members.map((m) => m.userId))
    const joined = updates.filter(
      (u) => u.kind === 'joined' && u.member.userId !== snapshot.you && !known.has(u.member.userId),
    )
    const left = updates.filter((u) => u.kind === 'left' && known.has(u.userId))
    // one announcement per batch: a screen reader cannot read out a join storm name by name
    const [firstJoined] = joined
    if (joined.length > 1) announce(`${joined.length} people joined the space`)
    else if (firstJoined?.kind === 'joined')
      announce(`${firstJoined.member.displayName} joined the space`)
    const [firstLeft] = left
    if (left.length > 1) announce(`${left.length} people left the space`)
    else if (firstLeft?.kind === 'left') announce(`${nameOf(firstLeft.userId)} left the space`)
    useFlare.setState({ snapshot: applyPresenceBatch(snapshot, updates) })
    // a `joined` of you is an admin changing your role: the page acts on the new one (§1.5.5)
    const role = ownRoleAmong(updates, snapshot.you)
    if (role) followOwnRole(role)
  }
  socket.on('presence:update', (update) => onPresence([update]))
  // what this app asks for (auth.presenceFormat 'rows'): each flush as rows
  socket.on('presence:rows', (rows) => onPresence(presenceUpdatesOfRows(rows)))
}
