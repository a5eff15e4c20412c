import { type Static, Type } from '@sinclair/typebox'
import { Uuid } from './api.js'
import { literals } from './literals.js'
import { PRESENCE_FORMATS, PresenceRowKind, ROW_ROLES, ROW_STATUSES } from './presence-codec.js'

/**
 * How a Socket.IO client wants presence (`auth.presenceFormat`): `objects` (the default, the
 * contract's shape: `space:snapshot`'s `members`, a `presence:update` a change) or
 * `rows`, the same facts as arrays: `members` empty and `memberColumns` in the snapshot, and
 * every flush as one `presence:rows`. Everyone sees everyone, so a join storm of N members
 * sends N² member entries; as columns they are 2.4–2.8× fewer bytes than as objects, and parse
 * about 3× faster than a row a member (decision 0012).
 */
export const PresenceFormat = literals(PRESENCE_FORMATS)
export type PresenceFormat = Static<typeof PresenceFormat>

const RoleIndex = Type.Integer({ minimum: 0, maximum: ROW_ROLES.length - 1 })
const StatusIndex = Type.Integer({ minimum: 0, maximum: ROW_STATUSES.length - 1 })
const RoomRef = Type.Union([Uuid, Type.Null()])
const Connected = Type.Union([Type.Literal(0), Type.Literal(1)])

/** A member's fields in a row, in order: the member row itself, and a `joined` after its kind. */
const MEMBER_FIELDS = [
  Uuid,
  Type.String(),
  RoleIndex,
  Type.Number(),
  Type.Number(),
  StatusIndex,
  RoomRef,
  Connected,
] as const

/** A member as `[userId, displayName, role, x, y, status, roomId, connected]` (role and status numbered, connected 1 or 0). */
export const MemberRow = Type.Tuple([...MEMBER_FIELDS])
export type MemberRow = Static<typeof MemberRow>

/**
 * Many members as columns, member i at position i of each: `ids` the user ids joined by `,`;
 * `names`; `roles` and `statuses` a digit a member (`ROW_ROLES`, `ROW_STATUSES`); `xy` each
 * member's x then y; `rooms` the room id or null; `connected` `1` or `0` a member.
 */
export const MemberColumns = Type.Object({
  ids: Type.String({ pattern: '^$|^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36})*$' }),
  names: Type.Array(Type.String()),
  roles: Type.String({ pattern: '^[0-9]*$' }),
  xy: Type.Array(Type.Number()),
  statuses: Type.String({ pattern: '^[0-9]*$' }),
  rooms: Type.Array(RoomRef),
  connected: Type.String({ pattern: '^[01]*$' }),
})
export type MemberColumns = Static<typeof MemberColumns>

/**
 * One presence change as an array, its kind first: `[0, ...MemberRow]` joined (or changed
 * role or name: it replaces), `[1, userId]` left, `[2, userId, x, y, roomId]` moved,
 * `[3, userId, status]` status, `[4, userId]` away, `[5, userId]` back; and
 * `[6, MemberColumns]` several members joined (or replaced) at once.
 */
export const PresenceRow = Type.Union([
  Type.Tuple([Type.Literal(PresenceRowKind.joined), ...MEMBER_FIELDS]),
  Type.Tuple([Type.Literal(PresenceRowKind.left), Uuid]),
  Type.Tuple([Type.Literal(PresenceRowKind.moved), Uuid, Type.Number(), Type.Number(), RoomRef]),
  Type.Tuple([Type.Literal(PresenceRowKind.status), Uuid, StatusIndex]),
  Type.Tuple([Type.Literal(PresenceRowKind.away), Uuid]),
  Type.Tuple([Type.Literal(PresenceRowKind.back), Uuid]),
  Type.Tuple([Type.Literal(PresenceRowKind.joinedMany), MemberColumns]),
])
export type PresenceRow = Static<typeof PresenceRow>
