// Presence as rows (`presenceFormat: 'rows'`), both ways, with no TypeBox: the web app decodes
// with these, the server encodes with them, and `presence-rows.ts` holds the schemas.
import type { MemberRole } from './api.js'
import type { MemberPresence, PresenceStatus, PresenceUpdate, SpaceSnapshot } from './events.js'
import type { MemberRow, PresenceRow } from './presence-rows.js'

/** The presence formats a Socket.IO client may ask for in `auth.presenceFormat` (`PresenceFormat`). */
export const PRESENCE_FORMATS = ['objects', 'rows'] as const

/** The roles in the order rows number them: append only, a number's meaning never changes. */
export const ROW_ROLES = ['admin', 'manager', 'agent'] as const satisfies readonly MemberRole[]
/** The statuses in the order rows number them: append only. */
export const ROW_STATUSES = [
  'available',
  'busy',
  'away',
] as const satisfies readonly PresenceStatus[]

/** The kinds of `PresenceRow`, by their first element. */
export const PresenceRowKind = {
  joined: 0,
  left: 1,
  moved: 2,
  status: 3,
  away: 4,
  back: 5,
} as const

function roleIndex(role: MemberRole): number {
  return ROW_ROLES.indexOf(role)
}

function statusIndex(status: PresenceStatus): number {
  return ROW_STATUSES.indexOf(status)
}

// a number from a newer server than this client (a role or status appended since) reads as
// the least privileged role and the plainest status rather than failing the whole snapshot
function roleAt(index: number): MemberRole {
  return ROW_ROLES[index] ?? 'agent'
}

function statusAt(index: number): PresenceStatus {
  return ROW_STATUSES[index] ?? 'available'
}

/**
 * A member as a row.
 *
 * @example
 * memberRow({ userId, displayName: 'Ana', role: 'agent', x: 10, y: 20, status: 'busy', roomId: null, connected: true })
 * // [userId, 'Ana', 2, 10, 20, 1, null, 1]
 */
export function memberRow(m: MemberPresence): MemberRow {
  return [
    m.userId,
    m.displayName,
    roleIndex(m.role),
    m.x,
    m.y,
    statusIndex(m.status),
    m.roomId,
    m.connected ? 1 : 0,
  ]
}

/**
 * The member a row stands for.
 *
 * @example
 * memberOfRow([userId, 'Ana', 2, 10, 20, 1, null, 1]).status // 'busy'
 */
export function memberOfRow(row: MemberRow): MemberPresence {
  const [userId, displayName, role, x, y, status, roomId, connected] = row
  return {
    userId,
    displayName,
    role: roleAt(role),
    x,
    y,
    status: statusAt(status),
    roomId,
    connected: connected === 1,
  }
}

/**
 * A presence change as a row.
 *
 * @example
 * presenceRow({ kind: 'left', userId }) // [1, userId]
 */
export function presenceRow(u: PresenceUpdate): PresenceRow {
  switch (u.kind) {
    case 'joined':
      return [PresenceRowKind.joined, ...memberRow(u.member)]
    case 'left':
      return [PresenceRowKind.left, u.userId]
    case 'moved':
      return [PresenceRowKind.moved, u.userId, u.x, u.y, u.roomId]
    case 'status':
      return [PresenceRowKind.status, u.userId, statusIndex(u.status)]
    case 'away':
      return [PresenceRowKind.away, u.userId]
    case 'back':
      return [PresenceRowKind.back, u.userId]
  }
}

/**
 * The presence change a row stands for.
 *
 * @example
 * presenceUpdateOfRow([3, userId, 1]) // { kind: 'status', userId, status: 'busy' }
 */
export function presenceUpdateOfRow(row: PresenceRow): PresenceUpdate {
  switch (row[0]) {
    case PresenceRowKind.joined: {
      const [, ...member] = row
      return { kind: 'joined', member: memberOfRow(member) }
    }
    case PresenceRowKind.left:
      return { kind: 'left', userId: row[1] }
    case PresenceRowKind.moved:
      return { kind: 'moved', userId: row[1], x: row[2], y: row[3], roomId: row[4] }
    case PresenceRowKind.status:
      return { kind: 'status', userId: row[1], status: statusAt(row[2]) }
    case PresenceRowKind.away:
      return { kind: 'away', userId: row[1], connected: false }
    case PresenceRowKind.back:
      return { kind: 'back', userId: row[1], connected: true }
  }
}

/**
 * A snapshot's members whichever format it came in: a `rows` snapshot's `memberRows` as
 * members, or its `members` as they are.
 *
 * @example
 * socket.on('space:snapshot', (s) => setSnapshot({ ...s, members: snapshotMembers(s) }))
 */
export function snapshotMembers(snapshot: SpaceSnapshot): MemberPresence[] {
  return snapshot.memberRows ? snapshot.memberRows.map(memberOfRow) : snapshot.members
}
