// Chat events and payloads (SPEC §2, §9: `chat:send`, `chat:message`). Owned by the chat feature.
import { type Static, Type } from '@sinclair/typebox'
import { DateTime, Uuid } from './api.js'
import { countGraphemes } from './escalations.js'
import { literals } from './literals.js'
import { clientEvent } from './result-ack.js'
import { Text } from './text.js'

/** The longest message body, in user-perceived characters (an emoji counts once). */
export const CHAT_BODY_MAX = 2000
/** The most users, and separately groups, one message may mention. */
export const CHAT_MENTIONS_MAX = 20
/** The most messages one history page holds. */
export const CHAT_PAGE_MAX = 100
export const CHAT_PAGE_DEFAULT = 30

/** The two kinds of chat thread; the database's `chat_channel_kind` enum is built from this list. */
export const CHAT_THREAD_KINDS = ['space', 'direct'] as const
export const ChatThreadKind = literals(CHAT_THREAD_KINDS)
export type ChatThreadKind = Static<typeof ChatThreadKind>

/** The thread key of the space-wide channel. */
export const SPACE_THREAD = 'space'

const UUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const THREAD_KEY = new RegExp(`^(space|${UUID_SOURCE}:${UUID_SOURCE})$`)

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

export const ChatMentions = Type.Object(
  {
    userIds: Type.Array(Uuid, { maxItems: CHAT_MENTIONS_MAX }),
    groupIds: Type.Array(Uuid, { maxItems: CHAT_MENTIONS_MAX }),
  },
  { additionalProperties: false },
)
export type ChatMentions = Static<typeof ChatMentions>

/** Where a message goes: the space channel, or a direct (or mention) chat with one member. */
export const ChatRecipient = Type.Union([
  Type.Object({ kind: Type.Literal('space') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('direct'), userId: Uuid }, { additionalProperties: false }),
])
export type ChatRecipient = Static<typeof ChatRecipient>

/**
 * `chat:send`. The frame bound on `body` only keeps absurd payloads out cheaply; the real limit
 * is {@link CHAT_BODY_MAX} graphemes, checked by {@link chatBodyProblem}.
 */
export const ChatSend = Type.Object(
  {
    to: ChatRecipient,
    body: Text({ minLength: 1, maxLength: CHAT_BODY_MAX * 4 }),
    mentions: Type.Optional(ChatMentions),
  },
  { additionalProperties: false },
)
export type ChatSend = Static<typeof ChatSend>

export const ChatThreadKey = Type.String({ pattern: THREAD_KEY.source, maxLength: 80 })

/** `chat:read`: everything in the thread up to now has been seen. */
export const ChatRead = Type.Object({ threadKey: ChatThreadKey }, { additionalProperties: false })
export type ChatRead = Static<typeof ChatRead>

export const ChatMessageDto = Type.Object({
  id: Uuid,
  spaceId: Uuid,
  threadKey: Type.String(),
  kind: ChatThreadKind,
  authorId: Uuid,
  authorName: Type.String(),
  body: Type.String(),
  mentions: ChatMentions,
  createdAt: DateTime,
})
export type ChatMessageDto = Static<typeof ChatMessageDto>

export const ChatThreadDto = Type.Object({
  threadKey: Type.String(),
  kind: ChatThreadKind,
  /** For a direct thread, the other person; null for the space channel. */
  otherUserId: Type.Union([Uuid, Type.Null()]),
  unread: Type.Integer({ minimum: 0 }),
  lastMessage: Type.Union([ChatMessageDto, Type.Null()]),
})
export type ChatThreadDto = Static<typeof ChatThreadDto>

export const ChatThreadsResponse = Type.Object({ threads: Type.Array(ChatThreadDto) })
export type ChatThreadsResponse = Static<typeof ChatThreadsResponse>

export const ChatThreadParams = Type.Object({ spaceId: Uuid, threadKey: ChatThreadKey })
export type ChatThreadParams = Static<typeof ChatThreadParams>

/** A page cursor: the oldest message of the previous page, `<createdAt>_<id>`. */
const CURSOR = `^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z_${UUID_SOURCE}$`

export const ChatHistoryQuery = Type.Object(
  {
    before: Type.Optional(Type.String({ pattern: CURSOR, maxLength: 80 })),
    // query strings are text: 1 to 100, no coercion
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
  },
  { additionalProperties: false },
)
export type ChatHistoryQuery = Static<typeof ChatHistoryQuery>

export const ChatHistoryResponse = Type.Object({
  /** Oldest first within the page; the first page is the newest one. */
  messages: Type.Array(ChatMessageDto),
  /** Pass as `before` for the page before this one; null when this page reaches the start. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})
export type ChatHistoryResponse = Static<typeof ChatHistoryResponse>

/**
 * The cursor that pages back from a message.
 *
 * @example
 * chatCursor({createdAt: '2026-11-23T10:00:00.000Z', id}) // '2026-11-23T10:00:00.000Z_<id>'
 */
export function chatCursor(message: Pick<ChatMessageDto, 'createdAt' | 'id'>): string {
  return `${message.createdAt}_${message.id}`
}

/** `chat:send`'s acknowledgement: the message as stored. */
export const ChatMessageSent = Type.Object({ message: ChatMessageDto })
export type ChatMessageSent = Static<typeof ChatMessageSent>

/** `chat:read`'s acknowledgement, and `chat:thread-read` to the reader's other tabs. */
export const ChatThreadRead = Type.Object({ threadKey: Type.String() })
export type ChatThreadRead = Static<typeof ChatThreadRead>

/** The chat's client → server events. */
export const ChatClientEvents = {
  'chat:send': clientEvent(ChatSend, ChatMessageSent),
  'chat:read': clientEvent(ChatRead, ChatThreadRead),
}

/** The chat's server → client events. */
export const ChatServerEvents = {
  /** A new message, to the space room (space channel) or to both people of a direct thread. */
  'chat:message': ChatMessageDto,
  /** One of your other tabs read a thread: its unread count is zero now. */
  'chat:thread-read': ChatThreadRead,
}
