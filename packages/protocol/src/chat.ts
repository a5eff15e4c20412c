// Chat events and payloads (SPEC §2, §9: `chat:send`, `chat:message`). Owned by the chat feature.
import { type Static, Type } from '@sinclair/typebox'
import { DateTime, Uuid } from './api.js'
import { CHAT_BODY_MAX, CHAT_MENTIONS_MAX, THREAD_KEY, UUID_SOURCE } from './chat-text.js'
import { literals } from './literals.js'
import { clientEvent } from './result-ack.js'
import { Text } from './text.js'

export {
  CHAT_BODY_MAX,
  CHAT_MENTIONS_MAX,
  CHAT_PAGE_DEFAULT,
  CHAT_PAGE_MAX,
  chatBodyProblem,
  chatCursor,
  directThreadKey,
  parseThreadKey,
  SPACE_THREAD,
} from './chat-text.js'

/** The two kinds of chat thread; the database's `chat_channel_kind` enum is built from this list. */
export const CHAT_THREAD_KINDS = ['space', 'direct'] as const
export const ChatThreadKind = literals(CHAT_THREAD_KINDS)
export type ChatThreadKind = Static<typeof ChatThreadKind>

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
