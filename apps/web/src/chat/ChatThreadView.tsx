import type { ChatMessageDto, SpaceResponse } from '@flare/protocol'
import { useEffect, useLayoutEffect, useRef } from 'react'
import { userHandle } from '../mentions.js'
import { useFlare } from '../store/index.js'
import { ChatComposer } from './ChatComposer.js'
import { closeChatThread, loadEarlierMessages, loadLatestMessages } from './chat-actions.js'
import { threadName } from './chat-names.js'
import { emptyThread, splitMentions } from './chat-state.js'

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

/** A message's text with its mentions marked, so they stand out (and not by colour alone). */
function MessageBody({ message, space }: { message: ChatMessageDto; space: SpaceResponse | null }) {
  const handles = new Set<string>([
    ...(space?.members ?? [])
      .filter((m) => message.mentions.userIds.includes(m.userId))
      .map((m) => userHandle(m.displayName)),
    ...(space?.groups ?? [])
      .filter((g) => message.mentions.groupIds.includes(g.id))
      .map((g) => g.handle),
  ])
  return (
    <p className="chat-body">
      {splitMentions(message.body).map((part, index) =>
        part.handle && handles.has(part.handle) ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one immutable text
          <strong key={index} className="mention">
            {part.text}
          </strong>
        ) : (
          part.text
        ),
      )}
    </p>
  )
}

/** How close to the end (px) still counts as reading the newest messages. */
const NEAR_END = 48

/**
 * One chat: its history (with "Load earlier") and the composer. It opens at the first message
 * that was unread, under a "New messages" divider, or else at the newest; its messages are a
 * log that reads out what arrives while it is open.
 */
export function ChatThreadView({ threadKey }: { threadKey: string }) {
  const me = useFlare((s) => (s.me.status === 'ready' ? (s.me.value?.user.id ?? null) : null))
  const stored = useFlare((s) => s.chatThreads[threadKey])
  const space = useFlare((s) => s.space)
  const spaceValue = space.status === 'ready' ? space.value : null
  const thread = stored ?? emptyThread(threadKey, me)
  const name = threadName(thread, spaceValue)
  const scroller = useRef<HTMLDivElement>(null)
  const divider = useRef<HTMLLIElement>(null)
  /** The thread has been put at its first unread message or its end, once its history came. */
  const placed = useRef(false)
  /** The reader is at the newest messages, so a new one keeps them there. */
  const atEnd = useRef(true)
  /** The scroll box's height after the last render, to keep the place when older pages land. */
  const lastHeight = useRef(0)
  const newest = thread.messages.at(-1)
  const oldestId = thread.messages[0]?.id
  const loaded = thread.history === 'ready'
  const { firstUnreadId } = thread

  // Where the reader is: at first the end of what is here (history that arrives later adds
  // older messages above, which would leave a chat opened at its oldest), then the first unread
  // message once the history is here; later a new message follows only a reader at the end,
  // or one who wrote it; a page from "Load earlier" keeps the place
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when these change, reads the rest
  useLayoutEffect(() => {
    const box = scroller.current
    if (!box) return
    const toEnd = () => {
      box.scrollTop = box.scrollHeight
      atEnd.current = true
    }
    if (!placed.current) {
      if (loaded) {
        placed.current = true
        if (divider.current) {
          box.scrollTop = Math.max(0, divider.current.offsetTop - 8)
          atEnd.current = box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_END
        } else toEnd()
      } else toEnd()
    } else if (atEnd.current || newest?.authorId === me) {
      toEnd()
    }
    lastHeight.current = box.scrollHeight
  }, [newest?.id, loaded])

  // biome-ignore lint/correctness/useExhaustiveDependencies: older messages landed above
  useLayoutEffect(() => {
    const box = scroller.current
    if (!box) return
    if (placed.current && !atEnd.current) box.scrollTop += box.scrollHeight - lastHeight.current
    lastHeight.current = box.scrollHeight
  }, [oldestId])

  useEffect(() => {
    document.getElementById(`chat-composer-${threadKey}`)?.focus()
  }, [threadKey])

  const empty = thread.messages.length === 0
  return (
    <section className="chat-thread-view" aria-labelledby="chat-thread-title">
      <div className="chat-thread-head">
        <button type="button" className="secondary" onClick={closeChatThread}>
          ← Chats
        </button>
        <h2 id="chat-thread-title">
          {thread.kind === 'space' ? '# ' : ''}
          {name}
        </h2>
      </div>
      {thread.history === 'error' && (
        <div role="alert" className="error">
          <p>{thread.historyError ?? 'The messages could not be loaded.'}</p>
          <button type="button" onClick={() => void loadLatestMessages(threadKey)}>
            Try again
          </button>
        </div>
      )}
      {thread.nextCursor && (
        <button
          type="button"
          className="secondary chat-earlier"
          disabled={thread.loadingEarlier}
          onClick={() => void loadEarlierMessages(threadKey)}
        >
          {thread.loadingEarlier ? 'Loading earlier messages…' : 'Load earlier'}
        </button>
      )}
      {thread.history === 'ready' && thread.historyError && (
        <p role="alert" className="error">
          {thread.historyError}
        </p>
      )}
      {(thread.history === 'loading' || thread.history === 'idle') && empty ? (
        <p className="muted" aria-busy="true">
          Loading messages…
        </p>
      ) : (
        <div
          ref={scroller}
          className="chat-messages"
          onScroll={(event) => {
            const box = event.currentTarget
            atEnd.current = box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_END
          }}
        >
          {/* A log reads out what is added to it, and a log that appears already filled reads
              nothing: so a new one replaces it whenever the history itself arrives or grows
              (the first page, "Load earlier", a fresh page after a gap) and only messages that
              come in while it is open are read. */}
          <div
            key={`${thread.history}|${thread.nextCursor ?? 'start'}`}
            role="log"
            aria-live="polite"
            aria-label={`Messages with ${name}`}
            // biome-ignore lint/a11y/noNoninteractiveTabindex: the messages scroll, and must be reachable by keyboard
            tabIndex={0}
            className="chat-log"
          >
            {empty ? (
              thread.history === 'ready' && (
                <p className="muted">
                  No messages yet.{' '}
                  {thread.kind === 'space'
                    ? 'Say hello to everyone.'
                    : `Start the chat with ${name}.`}
                </p>
              )
            ) : (
              <ol>
                {thread.messages.map((m) => {
                  const first = m.id === firstUnreadId
                  const mine = m.authorId === me
                  return (
                    <li
                      key={m.id}
                      ref={first ? divider : undefined}
                      className={`chat-message${mine ? ' mine' : ''}${first ? ' first-unread' : ''}`}
                    >
                      {first && <p className="chat-divider">New messages</p>}
                      <span className="chat-author">{mine ? 'You' : m.authorName}</span>{' '}
                      <time className="muted" dateTime={m.createdAt}>
                        {timeOf(m.createdAt)}
                      </time>
                      <MessageBody message={m} space={spaceValue} />
                    </li>
                  )
                })}
              </ol>
            )}
          </div>
        </div>
      )}
      <ChatComposer threadKey={threadKey} threadName={name} />
    </section>
  )
}
