import { type Static, Type } from '@sinclair/typebox'
import {
  GROUP_HANDLE_PATTERN,
  MAX_GROUP_HANDLE_LENGTH,
  MAX_GROUP_MEMBERS,
  MAX_GROUP_NAME_LENGTH,
} from './group-rules.js'
import { literals } from './literals.js'
import { Text } from './text.js'

/** Bumped when an event or payload changes incompatibly; sent in every snapshot. */
export const PROTOCOL_VERSION = 1

export const Uuid = Type.String({ format: 'uuid' })

/** A member's role in a space; the database's `member_role` enum is built from this list. */
export const MEMBER_ROLES = ['admin', 'manager', 'agent'] as const
export const MemberRole = literals(MEMBER_ROLES)
export type MemberRole = Static<typeof MemberRole>

/** Events that carry nothing but may be sent with `{}`. */
export const EmptyPayload = Type.Object({}, { additionalProperties: false })
export type EmptyPayload = Static<typeof EmptyPayload>

/** An acknowledgement that says nothing beyond `ok: true`. */
export const EmptyResult = Type.Object({})

/** An ISO 8601 instant, as every timestamp crosses the wire. */
export const DateTime = Type.String({ format: 'date-time' })

/** What a `DELETE` that removed something answers. */
export const DeletedResponse = Type.Object({ deleted: Type.Literal(true) })
export type DeletedResponse = Static<typeof DeletedResponse>

export const LoginRequest = Type.Object(
  {
    email: Text({ minLength: 3, maxLength: 320 }),
    password: Text({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
)
export type LoginRequest = Static<typeof LoginRequest>

export const UserPreferences = Type.Object({
  emailNotifications: Type.Boolean(),
  sound: Type.Boolean(),
  push: Type.Boolean(),
})
export type UserPreferences = Static<typeof UserPreferences>

export const PreferencesUpdate = Type.Object(
  {
    emailNotifications: Type.Optional(Type.Boolean()),
    sound: Type.Optional(Type.Boolean()),
    push: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type PreferencesUpdate = Static<typeof PreferencesUpdate>

/**
 * Where a user's profile picture is served (versioned); null = none, initials are shown. The
 * server always sends it; optional so older fixtures and clients still read as valid.
 */
const PictureUrl = Type.Optional(Type.Union([Type.String(), Type.Null()]))

export const UserDto = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  preferences: UserPreferences,
  pictureUrl: PictureUrl,
})
export type UserDto = Static<typeof UserDto>

export const SpaceMembershipDto = Type.Object({
  id: Uuid,
  name: Type.String(),
  role: MemberRole,
})
export type SpaceMembershipDto = Static<typeof SpaceMembershipDto>

export const LoginResponse = Type.Object({ user: UserDto })
export type LoginResponse = Static<typeof LoginResponse>

export const MeResponse = Type.Object({
  user: UserDto,
  spaces: Type.Array(SpaceMembershipDto),
})
export type MeResponse = Static<typeof MeResponse>

export const CreateTokenRequest = Type.Object(
  { name: Text({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
)
export type CreateTokenRequest = Static<typeof CreateTokenRequest>

export const ApiTokenDto = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
export type ApiTokenDto = Static<typeof ApiTokenDto>

export const CreateTokenResponse = Type.Object({
  token: ApiTokenDto,
  /** The token itself: shown this once, never again. */
  secret: Type.String(),
})
export type CreateTokenResponse = Static<typeof CreateTokenResponse>

export const TokenListResponse = Type.Object({ tokens: Type.Array(ApiTokenDto) })
export type TokenListResponse = Static<typeof TokenListResponse>

export const TokenParams = Type.Object({ tokenId: Uuid })
export type TokenParams = Static<typeof TokenParams>
export const SpaceParams = Type.Object({ spaceId: Uuid })
export type SpaceParams = Static<typeof SpaceParams>
/** `GET /api/stream`: `spaceId` may be left out by a member of one space only. */
export const StreamQuery = Type.Object(
  { spaceId: Type.Optional(Uuid) },
  { additionalProperties: false },
)
export type StreamQuery = Static<typeof StreamQuery>

export const RoomDto = Type.Object({
  id: Uuid,
  name: Type.String(),
  x: Type.Number(),
  y: Type.Number(),
  width: Type.Number(),
  height: Type.Number(),
})
export type RoomDto = Static<typeof RoomDto>

export const GroupDto = Type.Object({
  id: Uuid,
  name: Type.String(),
  handle: Type.String(),
  memberIds: Type.Array(Uuid),
})
export type GroupDto = Static<typeof GroupDto>

export const SpaceMemberDto = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  role: MemberRole,
  managerUserId: Type.Union([Uuid, Type.Null()]),
  pictureUrl: PictureUrl,
})
export type SpaceMemberDto = Static<typeof SpaceMemberDto>

/** `PATCH /api/spaces/:spaceId/members/:userId` and `DELETE …` (admins only). */
export const MemberParams = Type.Object({ spaceId: Uuid, userId: Uuid })
export type MemberParams = Static<typeof MemberParams>
export const MemberRoleUpdate = Type.Object({ role: MemberRole }, { additionalProperties: false })
export type MemberRoleUpdate = Static<typeof MemberRoleUpdate>
export const MemberResponse = Type.Object({ member: SpaceMemberDto })
export type MemberResponse = Static<typeof MemberResponse>

/**
 * `POST /api/spaces/:spaceId/members` (admins only): adds an existing account, found by its
 * email (any case), to the space.
 */
export const MemberCreate = Type.Object(
  { email: Text({ minLength: 3, maxLength: 320 }), role: MemberRole },
  { additionalProperties: false },
)
export type MemberCreate = Static<typeof MemberCreate>

/** `POST /api/spaces/:spaceId/groups` (admins only). */
export const GroupCreate = Type.Object(
  {
    name: Text({ minLength: 1, maxLength: MAX_GROUP_NAME_LENGTH }),
    handle: Type.String({
      minLength: 1,
      maxLength: MAX_GROUP_HANDLE_LENGTH,
      pattern: GROUP_HANDLE_PATTERN,
    }),
    memberIds: Type.Array(Uuid, { maxItems: MAX_GROUP_MEMBERS, uniqueItems: true }),
  },
  { additionalProperties: false },
)
export type GroupCreate = Static<typeof GroupCreate>
/** `PATCH /api/spaces/:spaceId/groups/:groupId`: what is given replaces what was. */
export const GroupUpdate = Type.Partial(GroupCreate, {
  additionalProperties: false,
  minProperties: 1,
})
export type GroupUpdate = Static<typeof GroupUpdate>
export const GroupParams = Type.Object({ spaceId: Uuid, groupId: Uuid })
export type GroupParams = Static<typeof GroupParams>
export const GroupResponse = Type.Object({ group: GroupDto })
export type GroupResponse = Static<typeof GroupResponse>

export const SpaceDto = Type.Object({
  id: Uuid,
  name: Type.String(),
  mapWidth: Type.Number(),
  mapHeight: Type.Number(),
  timezone: Type.String(),
})
export type SpaceDto = Static<typeof SpaceDto>

export const SpaceResponse = Type.Object({
  space: SpaceDto,
  /** The caller's own role in this space. */
  role: MemberRole,
  rooms: Type.Array(RoomDto),
  groups: Type.Array(GroupDto),
  members: Type.Array(SpaceMemberDto),
  /**
   * How many changes the space's members and groups have had when these were read: a
   * `space:snapshot` with a larger one means a change this page may have missed (SPEC §1.5.5).
   */
  directoryVersion: Type.Optional(Type.Integer({ minimum: 0 })),
})
export type SpaceResponse = Static<typeof SpaceResponse>

const DependencyState = Type.Union([Type.Literal('up'), Type.Literal('down')])

/**
 * `GET /api/health`: 200 with `status: 'ok'` when every dependency answers, else 503 with
 * `status: 'unavailable'` and the failing one marked `down`. `redis` is `off` when the server
 * runs alone (no REDIS_URL).
 */
export const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  database: DependencyState,
  redis: Type.Union([DependencyState, Type.Literal('off')]),
  /** Which database this server uses. */
  databaseKind: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  protocolVersion: Type.Number(),
})
export type HealthResponse = Static<typeof HealthResponse>
