import { type Static, Type } from '@sinclair/typebox'
import { type MemberRole, type RoomDto, Uuid } from './api.js'
import type {
  TicketAcknowledge,
  TicketAcknowledgedEvent,
  TicketEscalatedEvent,
} from './automation.js'
import type { ChatClientToServerEvents, ChatServerToClientEvents } from './chat.js'
import type {
  EndReason,
  EscalationAction,
  EscalationEnd,
  EscalationRaise,
  EscalationRespond,
} from './escalations.js'
import type { Ack } from './result-ack.js'
import type { TicketClientToServerEvents, TicketServerToClientEvents } from './tickets.js'

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

export const PresenceStatusChange = Type.Object(
  { status: PresenceStatus },
  { additionalProperties: false },
)
export type PresenceStatusChange = Static<typeof PresenceStatusChange>

/** Events that carry nothing but may be sent with `{}`. */
export const EmptyPayload = Type.Object({}, { additionalProperties: false })

/** What a Socket.IO client sends in `auth` when it connects. */
export const SocketAuth = Type.Object({
  spaceId: Uuid,
  /** A personal API token, for clients without the session cookie. */
  token: Type.Optional(Type.String({ maxLength: 200 })),
})
export type SocketAuth = Static<typeof SocketAuth>

export interface MemberPresence {
  userId: string
  displayName: string
  role: MemberRole
  x: number
  y: number
  status: PresenceStatus
  /** The meeting room the avatar stands in, derived on the server from its position. */
  roomId: string | null
  /** False while the member's connection has dropped and may still come back. */
  connected: boolean
}

export interface EscalationResponseDto {
  userId: string
  action: EscalationAction
  at: string
}

export interface EscalationDto {
  id: string
  raisedBy: string
  message: string
  color: 'yellow' | 'red'
  recipients: { userIds: string[]; groupIds: string[] }
  startedAt: string
  responses: EscalationResponseDto[]
}

export interface EscalationEnded {
  id: string
  raisedBy: string
  reason: EndReason
  /** Who ended it: the raiser, an admin or manager, or null when the server did (room, away, left). */
  endedBy: string | null
  endedAt: string
}

/** Sent only to the recipients of a red escalation: show the card and play the sound. */
export interface EscalationNotification {
  escalation: EscalationDto
  raiserName: string
}

export interface EscalationResponseEvent {
  escalationId: string
  response: EscalationResponseDto
}

/**
 * What `GET /api/stream` (a plain WebSocket for wallboards and contact-center systems) pushes,
 * one JSON object per message: first a snapshot, then every escalation change of the space.
 */
export type StreamEvent =
  | { type: 'snapshot'; spaceId: string; serverTime: string; escalations: EscalationDto[] }
  | { type: 'escalation:started'; spaceId: string; escalation: EscalationDto }
  | { type: 'escalation:ended'; spaceId: string; ended: EscalationEnded }
  | {
      type: 'escalation:response'
      spaceId: string
      escalationId: string
      response: EscalationResponseDto
    }

export interface SpaceSnapshot {
  protocolVersion: number
  spaceId: string
  /** The server's clock when the snapshot was taken, so clients can show "up for 3 min". */
  serverTime: string
  you: string
  members: MemberPresence[]
  rooms: RoomDto[]
  escalations: EscalationDto[]
}

export type PresenceUpdate =
  | { kind: 'joined'; member: MemberPresence }
  | { kind: 'left'; userId: string }
  | { kind: 'moved'; userId: string; x: number; y: number; roomId: string | null }
  | { kind: 'status'; userId: string; status: PresenceStatus }
  /** The member's last connection dropped; they keep their place for the reconnect grace. */
  | { kind: 'away'; userId: string; connected: false }
  | { kind: 'back'; userId: string; connected: true }

/** The reason a Socket.IO connection was refused, in `connect_error`'s `data`. */
export interface ConnectErrorData {
  code: string
  message: string
}

export type { Ack }

// each feature declares its own events in its own file; these maps are their union
export interface ServerToClientEvents extends ChatServerToClientEvents, TicketServerToClientEvents {
  'space:snapshot': (snapshot: SpaceSnapshot) => void
  'presence:update': (update: PresenceUpdate) => void
  /**
   * Several presence changes at once, in order: what changed in the space during one flush
   * (a join storm, many walkers) arrives as one message. Applied like `presence:update`s.
   */
  'presence:batch': (updates: PresenceUpdate[]) => void
  'escalation:started': (escalation: EscalationDto) => void
  'escalation:ended': (ended: EscalationEnded) => void
  'escalation:notify': (notification: EscalationNotification) => void
  'escalation:response': (event: EscalationResponseEvent) => void
  /** An automatic escalation reached you in the app: a red pop-up with the alert sound. */
  'ticket:escalated': (event: TicketEscalatedEvent) => void
  'ticket:acknowledged': (event: TicketAcknowledgedEvent) => void
}

export interface ClientToServerEvents extends ChatClientToServerEvents, TicketClientToServerEvents {
  'presence:move': (
    payload: PresenceMove,
    ack: Ack<{ x: number; y: number; roomId: string | null }>,
  ) => void
  'presence:status': (payload: PresenceStatusChange, ack: Ack) => void
  /** Leave the space now, rather than after the reconnect grace of a dropped connection. */
  'space:leave': (payload: Record<never, never>, ack: Ack) => void
  'escalation:raise': (payload: EscalationRaise, ack: Ack<{ escalation: EscalationDto }>) => void
  'escalation:end': (payload: EscalationEnd, ack: Ack<{ ended: EscalationEnded }>) => void
  /** Admins and managers: end every active escalation of the space ("lower all"). */
  'escalation:lower-all': (payload: Record<never, never>, ack: Ack<{ ended: number }>) => void
  'escalation:respond': (
    payload: EscalationRespond,
    ack: Ack<{ response: EscalationResponseDto; position?: { x: number; y: number } }>,
  ) => void
  /** "I'm on it" for an automatic escalation that reached you. */
  'ticket:acknowledge': (
    payload: TicketAcknowledge,
    ack: Ack<{ acknowledged: TicketAcknowledgedEvent }>,
  ) => void
}

export const SOCKET_PATH = '/socket.io'
