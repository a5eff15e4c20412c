// Presence as rows (`presenceFormat: 'rows'`), both ways, with no TypeBox: the web app decodes
// with these, the server encodes with them, and `presence-rows.ts` holds the schemas.
import type { MemberRole } from './api.js'
import type { MemberPresence, PresenceStatus, PresenceUpdate, SpaceSnapshot } from './events.js'
import type { MemberColumns, MemberRow, PresenceRow } from './presence-rows.js'

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
  /** Several members joined (or replaced) at once, as `MemberColumns`. */
  joinedMany: 6,
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

/** The digit a role or status number is written as in `MemberColumns` (0 … 9). */
const DIGIT_0 = 48

/**
 * Members as columns: how the `rows` format sends many members at once (a snapshot's members,
 * a flush's joins). One string of ids and one of role digits, rather than an array per member,
 * is a few long values for a client to parse instead of eight small ones a member: a join
 * storm's N² member entries parse about 3× faster and are about 10% fewer bytes (decision 0012).
 *
 * @example
 * memberColumns([ana, ben])
 * // { ids: 'uuid-a,uuid-b', names: ['Ana', 'Ben'], roles: '22', xy: [10, 20, 30, 40],
 * //   statuses: '01', rooms: [null, null], connected: '11' }
 */
export function memberColumns(members: readonly MemberPresence[]): MemberColumns {
  const ids: string[] = []
  const names: string[] = []
  const xy: number[] = []
  const rooms: Array<string | null> = []
  let roles = ''
  let statuses = ''
  let connected = ''
  for (const m of members) {
    ids.push(m.userId)
    names.push(m.displayName)
    roles += String.fromCharCode(DIGIT_0 + roleIndex(m.role))
    xy.push(m.x, m.y)
    statuses += String.fromCharCode(DIGIT_0 + statusIndex(m.status))
    rooms.push(m.roomId)
    connected += m.connected ? '1' : '0'
  }
  return { ids: ids.join(','), names, roles, xy, statuses, rooms, connected }
}

/**
 * The members columns stand for, in order.
 *
 * @example
 * membersOfColumns(memberColumns([ana, ben])) // [ana, ben]
 */
export function membersOfColumns(columns: MemberColumns): MemberPresence[] {
  const { names, roles, xy, statuses, rooms, connected } = columns
  const ids = columns.ids === '' ? [] : columns.ids.split(',')
  const out: MemberPresence[] = new Array(names.length)
  for (let i = 0; i < names.length; i++) {
    out[i] = {
      userId: ids[i] ?? '',
      displayName: names[i] ?? '',
      role: roleAt(roles.charCodeAt(i) - DIGIT_0),
      x: xy[2 * i] ?? 0,
      y: xy[2 * i + 1] ?? 0,
      status: statusAt(statuses.charCodeAt(i) - DIGIT_0),
      roomId: rooms[i] ?? null,
      connected: connected.charCodeAt(i) === DIGIT_0 + 1,
    }
  }
  return out
}

/**
 * A flush's changes as rows, in order, for one `presence:rows`: every member that joined (or
 * was replaced) in one `[6, MemberColumns]` where the first of them was, the rest a row each.
 * A flush names each member once, so moving the joins together changes no outcome; changes
 * that name a member twice are written a row each, in their own order.
 *
 * @example
 * presenceRows([joined(ana), { kind: 'left', userId: ben }, joined(cy)])
 * // [[6, memberColumns([ana, cy])], [1, ben]]
 */
export function presenceRows(updates: readonly PresenceUpdate[]): PresenceRow[] {
  const seen = new Set<string>()
  const joined: MemberPresence[] = []
  for (const u of updates) {
    const userId = u.kind === 'joined' ? u.member.userId : u.userId
    if (seen.has(userId)) return updates.map(presenceRow)
    seen.add(userId)
    if (u.kind === 'joined') joined.push(u.member)
  }
  if (joined.length < 2) return updates.map(presenceRow)
  const rows: PresenceRow[] = []
  for (const u of updates) {
    if (u.kind !== 'joined') rows.push(presenceRow(u))
    else if (u.member === joined[0]) rows.push([PresenceRowKind.joinedMany, memberColumns(joined)])
  }
  return rows
}

/**
 * The presence changes rows stand for, in order (a `[6, …]` row is one `joined` a member).
 *
 * @example
 * socket.on('presence:rows', (rows) => apply(presenceUpdatesOfRows(rows)))
 */
export function presenceUpdatesOfRows(rows: readonly PresenceRow[]): PresenceUpdate[] {
  const out: PresenceUpdate[] = []
  for (const row of rows) {
    if (row[0] === PresenceRowKind.joinedMany) {
      for (const member of membersOfColumns(row[1])) out.push({ kind: 'joined', member })
    } else out.push(presenceUpdateOfRow(row))
  }
  return out
}

/**
 * A presence change as a row.
 *
 * @example
 * presenceRow({ kind: 'left', userId }) // [1, userId]
 */
export function presenceRow(u: PresenceUpdate): SingleRow {
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
export function presenceUpdateOfRow(row: SingleRow): PresenceUpdate {
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

/** A row that stands for one change (every kind but `joinedMany`). */
type SingleRow = Exclude<PresenceRow, readonly [typeof PresenceRowKind.joinedMany, MemberColumns]>

/**
 * A snapshot's members whichever format it came in: a `rows` snapshot's `memberColumns` as
 * members, or its `members` as they are.
 *
 * @example
 * socket.on('space:snapshot', (s) => setSnapshot({ ...s, members: snapshotMembers(s) }))
 */
export function snapshotMembers(snapshot: SpaceSnapshot): MemberPresence[] {
  return snapshot.memberColumns ? membersOfColumns(snapshot.memberColumns) : snapshot.members
}
