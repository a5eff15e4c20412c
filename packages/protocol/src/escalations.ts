import { type Static, Type } from '@sinclair/typebox'
import { Uuid } from './api.js'
import { Text } from './text.js'

/** A raised hand's message is at most this many user-perceived characters (SPEC §3). */
export const ESCALATION_MESSAGE_MAX = 50

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

export const EscalationAction = Type.Union([Type.Literal('approach'), Type.Literal('chat')])
export type EscalationAction = Static<typeof EscalationAction>

export const EscalationRespond = Type.Object(
  { escalationId: Uuid, action: EscalationAction },
  { additionalProperties: false },
)
export type EscalationRespond = Static<typeof EscalationRespond>

export const EscalationParams = Type.Object({ spaceId: Uuid, escalationId: Uuid })

/** Why an escalation ended; every end is recorded with one. */
export const EndReason = {
  /** The raiser pressed Escalation again. */
  RAISER: 'raiser',
  ENTERED_ROOM: 'entered_room',
  AWAY: 'away',
  LEFT: 'left',
  /** Disconnected for longer than the reconnect grace. */
  DISCONNECTED: 'disconnected',
  /** An admin or manager ended this one. */
  ENDED_BY_MANAGER: 'ended_by_manager',
  /** An admin or manager lowered every hand at once. */
  LOWERED_ALL: 'lowered_all',
} as const
export type EndReason = (typeof EndReason)[keyof typeof EndReason]

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** User-perceived characters: an emoji, a flag or a letter with its accents counts once. */
export function countGraphemes(text: string): number {
  let count = 0
  for (const _ of segmenter.segment(text)) count += 1
  return count
}

/**
 * The message as it is stored and shown: every run of line breaks becomes one space, and
 * surrounding white space goes. The 50-character limit applies to this form.
 *
 * @example
 * normalizeEscalationMessage('Need\n\nhelp ') // 'Need help'
 */
export function normalizeEscalationMessage(raw: string): string {
  return raw.replace(/[\r\n\u2028\u2029\u0085]+/g, ' ').trim()
}
