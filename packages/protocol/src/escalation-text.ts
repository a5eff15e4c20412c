// The raised hand's text rules and end reasons, free of TypeBox so the browser can load them
// without the schema builder (see `client.ts`).

/** A raised hand's message is at most this many user-perceived characters (SPEC §3). */
export const ESCALATION_MESSAGE_MAX = 50

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
