// Chat's limits, thread keys, cursors and the body rule, free of TypeBox so the browser can load them
// without the schema builder (see `client.ts`).
import { countGraphemes } from './escalation-text.js'

/** The longest message body, in user-perceived characters (an emoji counts once). */
export const CHAT_BODY_MAX = 2000
/** The most users, and separately groups, one message may mention. */
export const CHAT_MENTIONS_MAX = 20
/** The most messages one history page holds. */
export const CHAT_PAGE_MAX = 100
export const CHAT_PAGE_DEFAULT = 30

/** The thread key of the space-wide channel. */
export const SPACE_THREAD = 'space'

export const UUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
export const THREAD_KEY = new RegExp(`^(space|${UUID_SOURCE}:${UUID_SOURCE})$`)

/**
 * The key of the direct thread between two members: both ids sorted and joined by `:`, so the
 * thread has one key whoever writes first.
 *
 * @example
 * directThreadKey(b, a) === directThreadKey(a, b)
 */
export function directThreadKey(userA: string, userB: string): string {
  return [userA.toLowerCase(), userB.toLowerCase()].sort().join(':')
}

/**
 * What a thread key names: the space channel, or the direct thread of two members.
 *
 * @example
 * parseThreadKey('space') // {kind: 'space'}
 */
export function parseThreadKey(
  key: string,
): { kind: 'space' } | { kind: 'direct'; userIds: [string, string] } | null {
  if (!THREAD_KEY.test(key)) return null
  if (key === SPACE_THREAD) return { kind: 'space' }
  const [a, b] = key.split(':') as [string, string]
  // a key that is not in canonical order, or names one person twice, names no thread
  if (a === b || directThreadKey(a, b) !== key) return null
  return { kind: 'direct', userIds: [a, b] }
}

/**
 * Why a message body cannot be sent, or null when it can. Shared by the composer and the
 * server, so both refuse the same bodies with the same words; a long body is never cut.
 *
 * @example
 * chatBodyProblem('   ') // 'Write a message first.'
 */
export function chatBodyProblem(body: string): string | null {
  if (body.trim() === '') return 'Write a message first.'
  const length = countGraphemes(body)
  if (length > CHAT_BODY_MAX) {
    return `A message can be at most ${CHAT_BODY_MAX} characters; this one has ${length}.`
  }
  return null
}

/**
 * The cursor that pages back from a message.
 *
 * @example
 * chatCursor({createdAt: '2026-11-23T10:00:00.000Z', id}) // '2026-11-23T10:00:00.000Z_<id>'
 */
export function chatCursor(message: { createdAt: string; id: string }): string {
  return `${message.createdAt}_${message.id}`
}
