import { type Static, Type } from '@sinclair/typebox'
import { Uuid } from './api.js'

export {
  countGraphemes,
  EndReason,
  ESCALATION_MESSAGE_MAX,
  normalizeEscalationMessage,
} from './escalation-text.js'

export const EscalationColor = Type.Union([Type.Literal('yellow'), Type.Literal('red')])
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
    message: Type.Optional(Type.String({ maxLength: 2000 })),
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

export const EscalationAction = Type.Union([Type.Literal('approach'), Type.Literal('chat')])
export type EscalationAction = Static<typeof EscalationAction>

export const EscalationRespond = Type.Object(
  { escalationId: Uuid, action: EscalationAction },
  { additionalProperties: false },
)
export type EscalationRespond = Static<typeof EscalationRespond>

export const EscalationParams = Type.Object({ spaceId: Uuid, escalationId: Uuid })
