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

/** One chat: its history (with "Load earlier") and the composer. */
export function ChatThreadView({ threadKey }: { threadKey: string }) {
  const me = useFlare((s) => (s.me.status === 'ready' ? (s.me.value?.user.id ?? null) : null))
  const stored = useFlare((s) => s.chatThreads[threadKey])
  const space = useFlare((s) => s.space)
  const spaceValue = space.status === 'ready' ? space.value : null
  const thread = stored ?? emptyThread(threadKey, me)
  const name = threadName(thread, spaceValue)
  const list = useRef<HTMLOListElement>(null)
  const newest = thread.messages.at(-1)?.id
  const loaded = thread.history === 'ready'

  // follow the conversation: a new message at the bottom scrolls into view, and so does the
  // end when the history first arrives (it adds older messages above ones already here, which
  // left a chat opened at its oldest); a page loaded with "Load earlier" moves nothing
  useLayoutEffect(() => {
    if ((newest || loaded) && list.current) list.current.scrollTop = list.current.scrollHeight
  }, [newest, loaded])

  useEffect(() => {
    document.getElementById(`chat-composer-${threadKey}`)?.focus()
  }, [threadKey])

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
      {(thread.history === 'loading' || thread.history === 'idle') &&
      thread.messages.length === 0 ? (
        <p className="muted" aria-busy="true">
          Loading messages…
        </p>
      ) : thread.history === 'ready' && thread.messages.length === 0 ? (
        <p className="muted">
          No messages yet.{' '}
          {thread.kind === 'space' ? 'Say hello to everyone.' : `Start the chat with ${name}.`}
        </p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling list must be reachable by keyboard
        <ol ref={list} className="chat-messages" aria-label={`Messages with ${name}`} tabIndex={0}>
          {thread.messages.map((m) => (
            <li key={m.id} className={m.authorId === me ? 'chat-message mine' : 'chat-message'}>
              <span className="chat-author">{m.authorId === me ? 'You' : m.authorName}</span>{' '}
              <time className="muted" dateTime={m.createdAt}>
                {timeOf(m.createdAt)}
              </time>
              <MessageBody message={m} space={spaceValue} />
            </li>
          ))}
        </ol>
      )}
      <ChatComposer threadKey={threadKey} threadName={name} />
    </section>
  )
}
