import type { PresenceUpdate, SpaceSnapshot } from '@flare/protocol'

/** Applies one presence update to a snapshot, returning a new snapshot. */
export function applyPresence(snapshot: SpaceSnapshot, update: PresenceUpdate): SpaceSnapshot {
  const patch = (userId: string, change: Partial<SpaceSnapshot['members'][number]>) => ({
    ...snapshot,
    members: snapshot.members.map((m) => (m.userId === userId ? { ...m, ...change } : m)),
  })
  switch (update.kind) {
    case 'joined':
      return {
        ...snapshot,
        members: [
          ...snapshot.members.filter((m) => m.userId !== update.member.userId),
          update.member,
        ],
      }
    case 'left':
      return { ...snapshot, members: snapshot.members.filter((m) => m.userId !== update.userId) }
    case 'moved':
      return patch(update.userId, { x: update.x, y: update.y, roomId: update.roomId })
    case 'status':
      return patch(update.userId, { status: update.status })
    case 'away':
    case 'back':
      return patch(update.userId, { connected: update.connected })
  }
}

/**
 * Applies a flush's presence updates in order (one `presence:rows`): one new snapshot however
 * many changes a join storm brings.
 */
export function applyPresenceBatch(
  snapshot: SpaceSnapshot,
  updates: readonly PresenceUpdate[],
): SpaceSnapshot {
  if (updates.length <= 1) return updates[0] ? applyPresence(snapshot, updates[0]) : snapshot
  const members = new Map(snapshot.members.map((m) => [m.userId, m]))
  for (const update of updates) {
    switch (update.kind) {
      case 'joined':
        // a member told twice keeps one place, at the end like a fresh join
        members.delete(update.member.userId)
        members.set(update.member.userId, update.member)
        break
      case 'left':
        members.delete(update.userId)
        break
      default: {
        const member = members.get(update.userId)
        if (!member) break
        if (update.kind === 'moved') {
          members.set(update.userId, { ...member, x: update.x, y: update.y, roomId: update.roomId })
        } else if (update.kind === 'status') {
          members.set(update.userId, { ...member, status: update.status })
        } else {
          members.set(update.userId, { ...member, connected: update.connected })
        }
      }
    }
  }
  return { ...snapshot, members: [...members.values()] }
}

/**
 * Calls `send` at most once per `intervalMs` with the latest value, and always with the last
 * one: a held arrow key or a fast series of clicks costs the server a few events a second.
 */
export function throttleLatest<T>(
  intervalMs: number,
  send: (value: T) => void,
): (value: T) => void {
  let lastSent = Number.NEGATIVE_INFINITY
  let pending: { value: T } | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = () => {
    timer = null
    if (!pending) return
    lastSent = performance.now()
    const { value } = pending
    pending = null
    send(value)
  }
  return (value: T) => {
    pending = { value }
    if (timer) return
    const wait = lastSent + intervalMs - performance.now()
    if (wait <= 0) flush()
    else timer = setTimeout(flush, wait)
  }
}
