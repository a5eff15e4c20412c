// The contract of automatic escalations beyond the rule itself (SPEC §5, §6, §7 in-app):
// business hours, rotations, the per-inbox phone preset, and the in-app events.
import { type Static, Type } from '@sinclair/typebox'
import { Uuid } from './api.js'
import { BusinessCalendar } from './calendar.js'
import { Text } from './text.js'
import type { TicketPrioritySchema } from './tickets.js'

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

/** Sent over Socket.IO as `ticket:escalated` to each online in-app target (red pop-up, sound). */
export interface TicketEscalatedEvent {
  /** One firing of one rule on one ticket: the key acknowledgements refer to. */
  firingId: string
  ticket: {
    id: string
    subject: string
    customerName: string | null
    priority: Static<typeof TicketPrioritySchema>
    inboxId: string
    createdAt: string
  }
  ruleId: string
  ruleName: string
  level: number
  reason: string
  escalatedAt: string
  /** Everyone this firing went to in the app, so each sees who took it. */
  targetUserIds: string[]
}

/** `ticket:acknowledge` (client → server): "I'm on it". */
export const TicketAcknowledge = Type.Object({ firingId: Uuid }, { additionalProperties: false })
export type TicketAcknowledge = Static<typeof TicketAcknowledge>

/** `ticket:acknowledged` (server → the firing's targets): who took it. */
export interface TicketAcknowledgedEvent {
  firingId: string
  ticketId: string
  userId: string
  at: string
}
