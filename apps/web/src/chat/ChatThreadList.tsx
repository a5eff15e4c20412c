import { SPACE_THREAD } from '@flare/protocol/client'
import { useState } from 'react'
import { searchMentionables } from '../mentions.js'
import { useFlare } from '../store/index.js'
import { openChatThread, openDirectChat } from './chat-actions.js'
import { threadName } from './chat-names.js'
import { emptyThread } from './chat-state.js'
import { MentionInput } from './MentionInput.js'

/** The chats: the space channel first, then direct chats, latest first, with unread badges. */
export function ChatThreadList() {
  const threads = useFlare((s) => s.chatThreads)
  const space = useFlare((s) => s.space)
  const spaceValue = space.status === 'ready' ? space.value : null
  const you = useFlare((s) => (s.me.status === 'ready' ? (s.me.value?.user.id ?? null) : null))
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
        {ordered.map((thread) => {
          const name = threadName(thread, spaceValue)
          const last = thread.messages.at(-1)
          return (
            <li key={thread.threadKey}>
              <button
                type="button"
                className="chat-thread secondary"
                onClick={() => openChatThread(thread.threadKey)}
              >
                <span className="chat-thread-name">
                  {thread.kind === 'space' ? '# ' : ''}
                  {name}
                </span>{' '}
                {thread.unread > 0 && (
                  <span className="badge">
                    {thread.unread > 99 ? '99+' : thread.unread}{' '}
                    <span className="sr-only">unread</span>
                  </span>
                )}{' '}
                <span className="chat-thread-last muted">
                  {/* your own last message says You, as the thread itself does */}
                  {last
                    ? `${last.authorId === you ? 'You' : last.authorName}: ${last.body}`
                    : 'No messages yet'}
                </span>
              </button>
            </li>
          )
        })}
      </ul>
      <NewChat />
    </>
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
