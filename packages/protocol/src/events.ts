import { type Static, Type } from '@sinclair/typebox'
import { DateTime, EmptyPayload, EmptyResult, MemberRole, RoomDto, Uuid } from './api.js'
import { AutomationClientEvents, AutomationServerEvents } from './automation.js'
import { ChatClientEvents, ChatServerEvents } from './chat.js'
import {
  EscalationClientEvents,
  EscalationDto,
  EscalationEnded,
  EscalationResponseDto,
  EscalationServerEvents,
} from './escalations.js'
import { NotificationClientEvents, TicketAlertDto } from './notifications.js'
import { ProfileServerEvents } from './pictures.js'
import { MemberColumns, PresenceFormat, PresenceRow } from './presence-rows.js'
import type { Result } from './result.js'
import {
  type Ack,
  type ClientEventMap,
  type ClientEventSpec,
  clientEvent,
  type ServerEventMap,
} from './result-ack.js'
import { SlaServerEvents, TicketSlaWarningEvent } from './sla.js'
import { SupervisorServerEvents } from './supervisor.js'
import { Text } from './text.js'
import { TicketServerEvents } from './tickets.js'

export const PresenceStatus = Type.Union([
  Type.Literal('available'),
  Type.Literal('busy'),
  Type.Literal('away'),
])
export type PresenceStatus = Static<typeof PresenceStatus>

/** `presence:move`: walk the avatar to a point of the map (world units, inside the map). */
export const PresenceMove = Type.Object(
  { x: Type.Number(), y: Type.Number() },
  { additionalProperties: false },
)
export type PresenceMove = Static<typeof PresenceMove>

/** `presence:move`'s acknowledgement: where the avatar stands now, and in which room. */
export const PresenceMoved = Type.Object({
  x: Type.Number(),
  y: Type.Number(),
  roomId: Type.Union([Uuid, Type.Null()]),
})
export type PresenceMoved = Static<typeof PresenceMoved>

export const PresenceStatusChange = Type.Object(
  { status: PresenceStatus },
  { additionalProperties: false },
)
export type PresenceStatusChange = Static<typeof PresenceStatusChange>

export { EmptyPayload }

/** What a Socket.IO client sends in `auth` when it connects. */
export const SocketAuth = Type.Object({
  spaceId: Uuid,
  /** A personal API token, for clients without the session cookie. */
  token: Type.Optional(Text({ maxLength: 200 })),
  /** How presence reaches this connection: `objects` (the default) or `rows` (see `PresenceFormat`). */
  presenceFormat: Type.Optional(PresenceFormat),
})
export type SocketAuth = Static<typeof SocketAuth>

export const MemberPresence = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  role: MemberRole,
  x: Type.Number(),
  y: Type.Number(),
  status: PresenceStatus,
  /** The meeting room the avatar stands in, derived on the server from its position. */
  roomId: Type.Union([Uuid, Type.Null()]),
  /** False while the member's connection has dropped and may still come back. */
  connected: Type.Boolean(),
})
export type MemberPresence = Static<typeof MemberPresence>

/**
 * What `GET /api/stream` (a plain WebSocket for wallboards and contact-center systems) pushes,
 * one JSON object per message: first a snapshot, then every escalation change of the space.
 */
export const StreamEvent = Type.Union([
  Type.Object({
    type: Type.Literal('snapshot'),
    spaceId: Uuid,
    serverTime: DateTime,
    escalations: Type.Array(EscalationDto),
  }),
  Type.Object({
    type: Type.Literal('escalation:started'),
    spaceId: Uuid,
    escalation: EscalationDto,
  }),
  Type.Object({
    type: Type.Literal('escalation:ended'),
    spaceId: Uuid,
    ended: EscalationEnded,
  }),
  Type.Object({
    type: Type.Literal('escalation:response'),
    spaceId: Uuid,
    escalationId: Uuid,
    response: EscalationResponseDto,
  }),
])
export type StreamEvent = Static<typeof StreamEvent>

export const SpaceSnapshot = Type.Object({
  protocolVersion: Type.Integer(),
  spaceId: Uuid,
  /** The server's clock when the snapshot was taken, so clients can show "up for 3 min". */
  serverTime: DateTime,
  you: Uuid,
  /** Everyone in the space; empty for a `rows` connection, which gets `memberColumns` instead. */
  members: Type.Array(MemberPresence),
  /** The members as columns, for a connection with `presenceFormat: 'rows'` only. */
  memberColumns: Type.Optional(MemberColumns),
  rooms: Type.Array(RoomDto),
  /**
   * How many changes the space's members and groups have had (`GET /api/spaces/:spaceId`'s
   * `directoryVersion`): larger than the page's own, it reads the space again (SPEC §1.5.5).
   */
  directoryVersion: Type.Optional(Type.Integer({ minimum: 0 })),
  escalations: Type.Array(EscalationDto),
  /**
   * Automatic escalations that reached you in the app and that no client of yours has shown yet
   * (no `ticket:receipt`), oldest first: a late joiner, a reconnect or a client of another
   * process still gets each pop-up. This server always sends it; optional so that a snapshot
   * from a server before it still parses.
   */
  ticketAlerts: Type.Optional(Type.Array(TicketAlertDto)),
  /**
   * SLA pre-breach warnings (`ticket:sla-warning`) that reached you and that no client of yours
   * has shown yet (no `ticket:receipt` with their `warningId`), oldest first. Optional for the
   * same reason as `ticketAlerts`.
   */
  slaWarnings: Type.Optional(Type.Array(TicketSlaWarningEvent)),
})
export type SpaceSnapshot = Static<typeof SpaceSnapshot>

export const PresenceUpdate = Type.Union([
  Type.Object({ kind: Type.Literal('joined'), member: MemberPresence }),
  Type.Object({ kind: Type.Literal('left'), userId: Uuid }),
  Type.Object({
    kind: Type.Literal('moved'),
    userId: Uuid,
    x: Type.Number(),
    y: Type.Number(),
    roomId: Type.Union([Uuid, Type.Null()]),
  }),
  Type.Object({ kind: Type.Literal('status'), userId: Uuid, status: PresenceStatus }),
  /** The member's last connection dropped; they keep their place for the reconnect grace. */
  Type.Object({ kind: Type.Literal('away'), userId: Uuid, connected: Type.Literal(false) }),
  Type.Object({ kind: Type.Literal('back'), userId: Uuid, connected: Type.Literal(true) }),
])
export type PresenceUpdate = Static<typeof PresenceUpdate>

/** The reason a Socket.IO connection was refused, in `connect_error`'s `data`. */
export const ConnectErrorData = Type.Object({ code: Type.String(), message: Type.String() })
export type ConnectErrorData = Static<typeof ConnectErrorData>

/** Presence: the space itself, who is where. */
export const PresenceClientEvents = {
  'presence:move': clientEvent(PresenceMove, PresenceMoved),
  'presence:status': clientEvent(PresenceStatusChange, EmptyResult),
  /** Leave the space now, rather than after the reconnect grace of a dropped connection. */
  'space:leave': clientEvent(EmptyPayload, EmptyResult),
}

export const PresenceServerEvents = {
  /** On every (re)connection: the whole live state of the space; it replaces what the client had. */
  'space:snapshot': SpaceSnapshot,
  /** One presence change; a flush's changes come as one of these each, in order. */
  'presence:update': PresenceUpdate,
  /**
   * A `rows` connection's presence (instead of `presence:update`): one flush's changes, in
   * order, as `PresenceRow`s in one message.
   */
  'presence:rows': Type.Array(PresenceRow),
}

/**
 * Every client → server event with the schema of its payload and of its acknowledgement's
 * success. The server registers handlers only through this map (a handler for a name not in
 * it does not compile), validates each payload with its schema, and always acknowledges.
 */
export const ClientEvents = {
  ...PresenceClientEvents,
  ...EscalationClientEvents,
  ...ChatClientEvents,
  ...AutomationClientEvents,
  ...NotificationClientEvents,
} satisfies Record<string, ClientEventSpec>

/** Every server → client event with the schema of its payload. */
export const ServerEvents = {
  ...PresenceServerEvents,
  ...EscalationServerEvents,
  ...ChatServerEvents,
  ...TicketServerEvents,
  ...AutomationServerEvents,
  ...SupervisorServerEvents,
  ...SlaServerEvents,
  ...ProfileServerEvents,
}

export type ClientToServerEvents = ClientEventMap<typeof ClientEvents>
export type ServerToClientEvents = ServerEventMap<typeof ServerEvents>

export type ClientEventName = keyof typeof ClientEvents
/** What a client event carries, e.g. `ClientEventPayload<'chat:send'>`. */
export type ClientEventPayload<E extends ClientEventName> = Static<
  (typeof ClientEvents)[E]['payload']
>
/** What a client event's acknowledgement answers: `{ok: true, ...}` or `{ok: false, error}`. */
export type ClientEventResult<E extends ClientEventName> = Result<
  Static<(typeof ClientEvents)[E]['result']>
>

export type { Ack }

export const SOCKET_PATH = '/socket.io'
