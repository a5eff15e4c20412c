import { SPACE_THREAD } from '@flare/protocol/client'
import { useId, useState } from 'react'
import { searchMentionables } from '../mentions.js'
import type { ChatThreadState } from '../store/chat-slice.js'
import { useFlare } from '../store/index.js'
import { openChatThread, openDirectChat } from './chat-actions.js'
import { threadName } from './chat-names.js'
import { emptyThread, previewOf } from './chat-state.js'
import { MentionInput } from './MentionInput.js'

/**
 * The chats: the space channel first, then direct chats, latest first, with unread badges, a
 * mention mark and a draft mark.
 */
export function ChatThreadList() {
  const threads = useFlare((s) => s.chatThreads)
  const space = useFlare((s) => s.space)
  const spaceValue = space.status === 'ready' ? space.value : null
  const you = useFlare((s) => (s.me.status === 'ready' ? (s.me.value?.user.id ?? null) : null))
  const drafts = useFlare((s) => s.chatDrafts)
  const ordered = Object.values(threads).sort(
    (a, b) =>
      Number(b.threadKey === SPACE_THREAD) - Number(a.threadKey === SPACE_THREAD) ||
      (b.messages.at(-1)?.createdAt ?? '').localeCompare(a.messages.at(-1)?.createdAt ?? ''),
  )
  if (!ordered.some((t) => t.threadKey === SPACE_THREAD)) {
    ordered.unshift(emptyThread(SPACE_THREAD, null))
  }
  return (
    <>
      <ul className="chat-threads">
        {ordered.map((thread) => (
          <li key={thread.threadKey}>
            <ThreadButton
              thread={thread}
              name={threadName(thread, spaceValue)}
              you={you}
              draft={drafts[thread.threadKey] !== undefined}
            />
          </li>
        ))}
      </ul>
      <NewChat />
    </>
  )
}

/** How much of the last message the list shows (and a screen reader reads as the description). */
const PREVIEW_LENGTH = 80

/**
 * One thread in the list, named by who it is with, how many are unread, whether you were
 * mentioned and whether you left a draft there; the last message is its description, shortened.
 */
function ThreadButton({
  thread,
  name,
  you,
  draft,
}: {
  thread: ChatThreadState
  name: string
  you: string | null
  draft: boolean
}) {
  const previewId = useId()
  const last = thread.messages.at(-1)
  return (
    <button
      type="button"
      className="chat-thread secondary"
      aria-describedby={previewId}
      onClick={() => openChatThread(thread.threadKey)}
    >
      <span className="chat-thread-name">
        {thread.kind === 'space' ? '# ' : ''}
        {name}
      </span>{' '}
      <span className="chat-thread-marks">
        {thread.mentioned && (
          <span className="chat-mention-mark" title="You were mentioned">
            <span aria-hidden="true">@</span>
            <span className="sr-only">mentions you</span>
          </span>
        )}{' '}
        {thread.unread > 0 && (
          <span className="badge">
            {thread.unread > 99 ? '99+' : thread.unread} <span className="sr-only">unread</span>
          </span>
        )}{' '}
        {draft && <span className="chat-draft-mark">Draft</span>}
      </span>
      {/* hidden from the name, read as the description: a whole message is no name */}
      <span id={previewId} className="chat-thread-last muted" aria-hidden="true">
        {/* your own last message says You, as the thread itself does */}
        {last
          ? `${last.authorId === you ? 'You' : last.authorName}: ${previewOf(last.body, PREVIEW_LENGTH)}`
          : 'No messages yet'}
      </span>
    </button>
  )
}

/** "Message someone": `@name` opens the direct (mention) chat with that person. */
function NewChat() {
  const space = useFlare((s) => s.space)
  const me = useFlare((s) => (s.me.status === 'ready' ? (s.me.value?.user.id ?? null) : null))
  const [query, setQuery] = useState('')
  if (space.status !== 'ready') return null
  return (
    <div className="chat-new">
      <label htmlFor="chat-new-person">Message someone</label>
      <MentionInput
        id="chat-new-person"
        value={query}
        onChange={setQuery}
        whole
        placeholder="@name"
        suggest={(q) =>
          searchMentionables(space.value, q, { excludeUserIds: me ? [me] : [], limit: 6 }).filter(
            (m) => m.kind === 'user',
          )
        }
        onPick={(m) => {
          setQuery('')
          openDirectChat(m.id)
        }}
      />
    </div>
  )
}
