import type { SpaceResponse } from '@flare/protocol'
import type { ChatThreadState } from '../store/chat-slice.js'

/** What a thread is called: the space channel, or the other person's name. */
export function threadName(
  thread: Pick<ChatThreadState, 'kind' | 'otherUserId' | 'messages'>,
  space: SpaceResponse | null,
): string {
  if (thread.kind === 'space') return 'Everyone'
  const member = space?.members.find((m) => m.userId === thread.otherUserId)
  if (member) return member.displayName
  // a former member: their name as their messages carry it
  return thread.messages.find((m) => m.authorId === thread.otherUserId)?.authorName ?? 'Someone'
}
