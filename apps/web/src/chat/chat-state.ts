import {
  type ChatMessageDto,
  chatCursor,
  parseThreadKey,
  type SpaceResponse,
} from '@flare/protocol/client'
import type { ChatThreadState } from '../store/chat-slice.js'

/** A thread nothing is known of yet. */
export function emptyThread(threadKey: string, me: string | null): ChatThreadState {
  const parsed = parseThreadKey(threadKey)
  return {
    threadKey,
    kind: parsed?.kind ?? 'space',
    otherUserId:
      parsed?.kind === 'direct' ? (parsed.userIds.find((id) => id !== me) ?? null) : null,
    unread: 0,
    mentioned: false,
    firstUnreadId: null,
    unreadOnOpen: 0,
    messages: [],
    history: 'idle',
    historyError: null,
    nextCursor: null,
    loadingEarlier: false,
  }
}

/** Both lists together, each message once, in the order they were written. */
export function mergeMessages(
  current: readonly ChatMessageDto[],
  incoming: readonly ChatMessageDto[],
): ChatMessageDto[] {
  const byId = new Map(current.map((m) => [m.id, m]))
  for (const m of incoming) byId.set(m.id, m)
  return [...byId.values()].sort((a, b) => chatCursor(a).localeCompare(chatCursor(b)))
}

/**
 * A freshly fetched newest page laid over what was loaded before. When the page does not reach
 * back to what we had (more arrived while we were away than one page holds), the old messages
 * are dropped rather than shown with a hole between them.
 */
export function withLatestPage(
  thread: ChatThreadState,
  page: { messages: ChatMessageDto[]; nextCursor: string | null },
): ChatThreadState {
  const newestKnown = thread.messages.at(-1)
  const oldestFetched = page.messages[0]
  const connected =
    thread.history === 'ready' &&
    (!newestKnown ||
      !oldestFetched ||
      page.nextCursor === null ||
      chatCursor(oldestFetched) <= chatCursor(newestKnown))
  return {
    ...thread,
    messages: connected ? mergeMessages(thread.messages, page.messages) : page.messages,
    nextCursor: connected ? thread.nextCursor : page.nextCursor,
    history: 'ready',
    historyError: null,
  }
}

/** The words of a message that mention someone: `@handle` tokens, without trailing punctuation. */
export function splitMentions(body: string): Array<{ text: string; handle: string | null }> {
  return body
    .split(/(@[^\s@]+)/)
    .filter((part) => part !== '')
    .flatMap((part) => {
      if (!part.startsWith('@')) return [{ text: part, handle: null }]
      const handle = part.slice(1).replace(/[.,:;!?)]+$/, '')
      const rest = part.slice(1 + handle.length)
      return rest
        ? [
            { text: `@${handle}`, handle },
            { text: rest, handle: null },
          ]
        : [{ text: part, handle }]
    })
}

/**
 * The last `unread` messages of a thread that others wrote, oldest first: what the unread count
 * counts (your own messages never are). Fewer when fewer are loaded.
 *
 * @example
 * unreadTail([a, mine, b], 2, me) // [a, b]
 */
export function unreadTail(
  messages: readonly ChatMessageDto[],
  unread: number,
  me: string | null,
): ChatMessageDto[] {
  const tail: ChatMessageDto[] = []
  for (let i = messages.length - 1; i >= 0 && tail.length < unread; i -= 1) {
    const message = messages[i]
    if (message && message.authorId !== me) tail.unshift(message)
  }
  return tail
}

/** Whether a message mentions this person, by name or through a group of theirs. */
export function mentionsUser(
  message: ChatMessageDto,
  userId: string,
  groups: SpaceResponse['groups'],
): boolean {
  if (message.mentions.userIds.includes(userId)) return true
  return groups.some(
    (g) => message.mentions.groupIds.includes(g.id) && g.memberIds.includes(userId),
  )
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * A message shortened for the thread list: on one line, at most `max` user-perceived
 * characters, an ellipsis where it was cut.
 *
 * @example
 * previewOf('Queue\n is long', 8) // 'Queue is…'
 */
export function previewOf(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  const parts = [...graphemes.segment(line)]
  if (parts.length <= max) return line
  return `${parts
    .slice(0, max)
    .map((p) => p.segment)
    .join('')
    .trimEnd()}…`
}
