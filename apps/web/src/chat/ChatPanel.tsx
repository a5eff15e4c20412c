import { useEffect } from 'react'
import { useFlare } from '../store/index.js'
import { ChatThreadList } from './ChatThreadList.js'
import { ChatThreadView } from './ChatThreadView.js'
import { loadChatThreads } from './chat-actions.js'
import './chat.css'

/** The chat side panel: the space channel, direct and mention chats. */
export function ChatPanel() {
  const list = useFlare((s) => s.chatThreadList)
  const open = useFlare((s) => s.chatOpenThread)

  useEffect(() => {
    if (useFlare.getState().chatThreadList.status === 'idle') void loadChatThreads()
  }, [])

  // one view per thread: another thread starts with its own scroll place and message log
  if (open) return <ChatThreadView key={open} threadKey={open} />
  return (
    <section aria-labelledby="chat-heading" className="chat-panel">
      <h2 id="chat-heading">Chat</h2>
      {list.status === 'error' ? (
        <div role="alert" className="error">
          <p>{list.message}</p>
          <button type="button" onClick={() => void loadChatThreads()}>
            Try again
          </button>
        </div>
      ) : list.status !== 'ready' ? (
        <p className="muted" aria-busy="true">
          Loading chats…
        </p>
      ) : (
        <ChatThreadList />
      )}
    </section>
  )
}
