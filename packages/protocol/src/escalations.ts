import { type Static, Type } from '@sinclair/typebox'
import { DateTime, EmptyPayload, Uuid } from './api.js'
import { EndReason } from './escalation-text.js'
import { literals } from './literals.js'
import { clientEvent } from './result-ack.js'
import { Text } from './text.js'

export {
  countGraphemes,
  EndReason,
  ESCALATION_MESSAGE_MAX,
  normalizeEscalationMessage,
} from './escalation-text.js'

/** Yellow: a hand for everyone to see. Red: it notifies its recipients with a sound. */
export const ESCALATION_COLORS = ['yellow', 'red'] as const
export const EscalationColor = literals(ESCALATION_COLORS)
export type EscalationColor = Static<typeof EscalationColor>

export const EscalationRecipients = Type.Object(
  {
    userIds: Type.Array(Uuid, { maxItems: 500, uniqueItems: true }),
    groupIds: Type.Array(Uuid, { maxItems: 100, uniqueItems: true }),
  },
  { additionalProperties: false },
)
export type EscalationRecipients = Static<typeof EscalationRecipients>

/** `escalation:raise` and `POST /api/spaces/:spaceId/escalations`. */
export const EscalationRaise = Type.Object(
  {
    // bounded in bytes here so a huge string never reaches the grapheme count; the 50-character
    // rule itself answers MESSAGE_TOO_LONG
    message: Type.Optional(Text({ maxLength: 2000 })),
    /** On: a red escalation that notifies the recipients with a sound. Off: yellow, for everyone to see. */
    notify: Type.Boolean(),
    recipients: EscalationRecipients,
  },
  { additionalProperties: false },
)
export type EscalationRaise = Static<typeof EscalationRaise>

/** `escalation:end`: your own escalation, or (admins and managers) anyone's by id. */
export const EscalationEnd = Type.Object(
  { escalationId: Type.Optional(Uuid) },
  { additionalProperties: false },
)
export type EscalationEnd = Static<typeof EscalationEnd>

/** How a recipient answers a raised hand. */
export const ESCALATION_ACTIONS = ['approach', 'chat'] as const
export const EscalationAction = literals(ESCALATION_ACTIONS)
export type EscalationAction = Static<typeof EscalationAction>

export const EscalationRespond = Type.Object(
  { escalationId: Uuid, action: EscalationAction },
  { additionalProperties: false },
)
export type EscalationRespond = Static<typeof EscalationRespond>

export const EscalationParams = Type.Object({ spaceId: Uuid, escalationId: Uuid })
export type EscalationParams = Static<typeof EscalationParams>

export const END_REASONS = Object.values(EndReason)
export const EndReasonSchema = literals(END_REASONS)

export const EscalationResponseDto = Type.Object({
  userId: Uuid,
  action: EscalationAction,
  at: DateTime,
})
export type EscalationResponseDto = Static<typeof EscalationResponseDto>

/** An active raised hand, as snapshots, events, acknowledgements and REST show it. */
export const EscalationDto = Type.Object({
  id: Uuid,
  raisedBy: Uuid,
  message: Type.String(),
  color: EscalationColor,
  recipients: Type.Object({ userIds: Type.Array(Uuid), groupIds: Type.Array(Uuid) }),
  startedAt: DateTime,
  responses: Type.Array(EscalationResponseDto),
})
export type EscalationDto = Static<typeof EscalationDto>

export const EscalationEnded = Type.Object({
  id: Uuid,
  raisedBy: Uuid,
  reason: EndReasonSchema,
  /** Who ended it: the raiser, an admin or manager, or null when the server did (room, away, left). */
  endedBy: Type.Union([Uuid, Type.Null()]),
  endedAt: DateTime,
})
export type EscalationEnded = Static<typeof EscalationEnded>

/** Sent only to the recipients of a red escalation: show the card and play the sound. */
export const EscalationNotification = Type.Object({
  escalation: EscalationDto,
  raiserName: Type.String(),
})
export type EscalationNotification = Static<typeof EscalationNotification>

export const EscalationResponseEvent = Type.Object({
  escalationId: Uuid,
  response: EscalationResponseDto,
})
export type EscalationResponseEvent = Static<typeof EscalationResponseEvent>

/** `escalation:raise`'s acknowledgement and `POST …/escalations`' answer. */
export const EscalationRaised = Type.Object({ escalation: EscalationDto })
export type EscalationRaised = Static<typeof EscalationRaised>

/** `escalation:end`'s acknowledgement and `DELETE …/escalations/:escalationId`'s answer. */
export const EscalationEndResponse = Type.Object({ ended: EscalationEnded })
export type EscalationEndResponse = Static<typeof EscalationEndResponse>

/** `escalation:lower-all`'s acknowledgement and `POST …/escalations/lower-all`'s answer: how many ended. */
export const EscalationsLowered = Type.Object({ ended: Type.Integer({ minimum: 0 }) })
export type EscalationsLowered = Static<typeof EscalationsLowered>

/** `escalation:respond`'s acknowledgement; `position` is where an approaching avatar walked to. */
export const EscalationResponded = Type.Object({
  response: EscalationResponseDto,
  position: Type.Optional(Type.Object({ x: Type.Number(), y: Type.Number() })),
})
export type EscalationResponded = Static<typeof EscalationResponded>

export const EscalationListResponse = Type.Object({ escalations: Type.Array(EscalationDto) })
export type EscalationListResponse = Static<typeof EscalationListResponse>

export const RecentEscalationMessages = Type.Object({ messages: Type.Array(Type.String()) })
export type RecentEscalationMessages = Static<typeof RecentEscalationMessages>

/** The raised hand's client → server events (SPEC §9). */
export const EscalationClientEvents = {
  'escalation:raise': clientEvent(EscalationRaise, EscalationRaised),
  /** Your own escalation, or (admins and managers) anyone's by id. */
  'escalation:end': clientEvent(EscalationEnd, EscalationEndResponse),
  /** Admins and managers: end every active escalation of the space ("lower all"). */
  'escalation:lower-all': clientEvent(EmptyPayload, EscalationsLowered),
  'escalation:respond': clientEvent(EscalationRespond, EscalationResponded),
}

/** The raised hand's server → client events. */
export const EscalationServerEvents = {
  'escalation:started': EscalationDto,
  'escalation:ended': EscalationEnded,
  /** To the recipients of a red escalation only. */
  'escalation:notify': EscalationNotification,
  'escalation:response': EscalationResponseEvent,
}
