// The contract of automatic escalations beyond the rule itself (SPEC §5, §6, §7 in-app):
// business hours, rotations, the per-inbox phone preset, and the in-app events.
import { type Static, Type } from '@sinclair/typebox'
import { DateTime, Uuid } from './api.js'
import { BusinessCalendar } from './calendar.js'
import { clientEvent } from './result-ack.js'
import { Text } from './text.js'
import { TicketPrioritySchema } from './tickets.js'
import { TranscriptTurnDto, TriggerFactsDto } from './triggers.js'

/** `GET/PUT /api/spaces/:spaceId/business-hours`: the space's default calendar. */
export const BusinessHoursResponse = Type.Object({ calendar: BusinessCalendar })
export type BusinessHoursResponse = Static<typeof BusinessHoursResponse>
export const BusinessHoursUpdate = Type.Object(
  { calendar: BusinessCalendar },
  { additionalProperties: false },
)
export type BusinessHoursUpdate = Static<typeof BusinessHoursUpdate>

/** An on-call rotation: ordered members, and whose turn is next (round-robin, one step per firing). */
export const RotationDto = Type.Object({
  id: Uuid,
  name: Type.String(),
  memberIds: Type.Array(Uuid),
  /** Index into memberIds of the member the next firing goes to. */
  nextIndex: Type.Integer({ minimum: 0 }),
})
export type RotationDto = Static<typeof RotationDto>
export const RotationCreate = Type.Object(
  {
    name: Text({ minLength: 1, maxLength: 100 }),
    memberIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true }),
  },
  { additionalProperties: false },
)
export type RotationCreate = Static<typeof RotationCreate>
export const RotationUpdate = Type.Partial(RotationCreate, {
  additionalProperties: false,
  minProperties: 1,
})
export type RotationUpdate = Static<typeof RotationUpdate>
export const RotationParams = Type.Object({ spaceId: Uuid, rotationId: Uuid })
export type RotationParams = Static<typeof RotationParams>
/** `POST` and `PUT …/rotations[/:rotationId]`: the rotation as stored. */
export const RotationResponse = Type.Object({ rotation: RotationDto })
export type RotationResponse = Static<typeof RotationResponse>
export const RotationListResponse = Type.Object({ rotations: Type.Array(RotationDto) })
export type RotationListResponse = Static<typeof RotationListResponse>

/**
 * `GET/PUT /api/spaces/:spaceId/inboxes/:inboxId/escalation-phone` (SPEC §6.5): forward an
 * unanswered customer message by SMS after `minutes`. Stored as a preset rule in its own chain
 * (`phone:<inboxId>`), so it shows in the rules list.
 */
export const InboxPhoneEscalation = Type.Object(
  {
    enabled: Type.Boolean(),
    phone: Text({ pattern: '^\\+?[0-9 ()-]{6,20}$' }),
    minutes: Type.Integer({ minimum: 1, maximum: 10_080 }),
  },
  { additionalProperties: false },
)
export type InboxPhoneEscalation = Static<typeof InboxPhoneEscalation>

/** What `GET/PUT …/escalation-phone` answer: the setting (phone in E.164 once saved) and its rule. */
export const InboxPhoneEscalationResponse = Type.Object({
  enabled: Type.Boolean(),
  phone: Type.String(),
  minutes: Type.Integer(),
  /** The preset rule in the rules list; null until the setting is first saved. */
  ruleId: Type.Union([Uuid, Type.Null()]),
})
export type InboxPhoneEscalationResponse = Static<typeof InboxPhoneEscalationResponse>

/**
 * `GET /api/spaces/:spaceId/automation/recompute`: the background recompute of the space's
 * open tickets' due instants after a rule or business-hours change. `running` until every open
 * ticket has been recomputed against the latest change; `done` of `total` tickets so far.
 */
export const RecomputeStatus = Type.Object({
  state: Type.Union([Type.Literal('idle'), Type.Literal('running')]),
  done: Type.Integer({ minimum: 0 }),
  total: Type.Integer({ minimum: 0 }),
  /** When the current (or last) recompute began; null when the space never needed one. */
  startedAt: Type.Union([DateTime, Type.Null()]),
})
export type RecomputeStatus = Static<typeof RecomputeStatus>

/** Sent over Socket.IO as `ticket:escalated` to each online in-app target (red pop-up, sound). */
export const TicketEscalatedEvent = Type.Object({
  /** One firing of one rule on one ticket: the key acknowledgements refer to. */
  firingId: Uuid,
  ticket: Type.Object({
    id: Uuid,
    subject: Type.String(),
    customerName: Type.Union([Type.String(), Type.Null()]),
    priority: TicketPrioritySchema,
    inboxId: Uuid,
    createdAt: DateTime,
  }),
  ruleId: Uuid,
  ruleName: Type.String(),
  level: Type.Integer(),
  reason: Type.String(),
  escalatedAt: DateTime,
  /** Everyone this firing went to in the app, so each sees who took it. */
  targetUserIds: Type.Array(Uuid),
  /** The instant trigger that set it off (SPEC §11.1); absent for a timed firing. */
  trigger: Type.Optional(TriggerFactsDto),
  /**
   * The end of the conversation (customer and bot turns, oldest first, at most 8), so the
   * person alerted starts informed; `transcriptTurns` counts them all.
   */
  transcript: Type.Optional(Type.Array(TranscriptTurnDto)),
  transcriptTurns: Type.Optional(Type.Integer({ minimum: 0 })),
})
export type TicketEscalatedEvent = Static<typeof TicketEscalatedEvent>

/** `ticket:acknowledge` (client → server): "I'm on it". */
export const TicketAcknowledge = Type.Object({ firingId: Uuid }, { additionalProperties: false })
export type TicketAcknowledge = Static<typeof TicketAcknowledge>

/** `ticket:acknowledged` (server → the firing's targets): who took it. */
export const TicketAcknowledgedEvent = Type.Object({
  firingId: Uuid,
  ticketId: Uuid,
  userId: Uuid,
  at: DateTime,
})
export type TicketAcknowledgedEvent = Static<typeof TicketAcknowledgedEvent>

/** `ticket:acknowledge`'s acknowledgement. */
export const TicketAcknowledged = Type.Object({ acknowledged: TicketAcknowledgedEvent })
export type TicketAcknowledged = Static<typeof TicketAcknowledged>

/** Automatic (ticket) escalations' client → server events. */
export const AutomationClientEvents = {
  /** "I'm on it" for an automatic escalation that reached you. */
  'ticket:acknowledge': clientEvent(TicketAcknowledge, TicketAcknowledged),
}

/** Automatic (ticket) escalations' server → client events. */
export const AutomationServerEvents = {
  /** An automatic escalation reached you in the app: a red pop-up with the alert sound. */
  'ticket:escalated': TicketEscalatedEvent,
  'ticket:acknowledged': TicketAcknowledgedEvent,
}
