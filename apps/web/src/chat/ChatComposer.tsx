import { CHAT_BODY_MAX, countGraphemes } from '@flare/protocol/client'
import { useState } from 'react'
import { type Mentionable, searchMentionables } from '../mentions.js'
import { useFlare } from '../store/index.js'
import { sendChatMessage, updateChatDraft } from './chat-actions.js'
import { splitMentions } from './chat-state.js'
import { MentionInput } from './MentionInput.js'

/** Only the picked mentions whose `@handle` is still in the text count. */
function mentionsIn(body: string, picked: readonly Mentionable[]) {
  const handles = new Set(splitMentions(body).map((part) => part.handle))
  const kept = picked.filter((m) => handles.has(m.handle))
  return {
    userIds: [...new Set(kept.filter((m) => m.kind === 'user').map((m) => m.id))],
    groupIds: [...new Set(kept.filter((m) => m.kind === 'group').map((m) => m.id))],
  }
}

const NO_MENTIONS: Mentionable[] = []

/**
 * Where a message is written: a text box that grows with it, Enter sends and Shift+Enter starts
 * a new line, `@` suggests people and groups to mention. What is written stays with the thread
 * (its draft) until it is sent, whichever thread is looked at meanwhile.
 */
export function ChatComposer({ threadKey, threadName }: { threadKey: string; threadName: string }) {
  const space = useFlare((s) => s.space)
  const connected = useFlare((s) => s.connection.state === 'connected')
  const body = useFlare((s) => s.chatDrafts[threadKey]?.body ?? '')
  const picked = useFlare((s) => s.chatDrafts[threadKey]?.picked ?? NO_MENTIONS)
  const [error, setError] = useState<string | null>(null)
  const [sending, setSending] = useState(false)
  const length = countGraphemes(body)
  const inputId = `chat-composer-${threadKey}`

  function suggest(query: string): Mentionable[] {
    return space.status === 'ready' ? searchMentionables(space.value, query, { limit: 6 }) : []
  }

  async function submit() {
    if (sending) return
    setSending(true)
    const result = await sendChatMessage(threadKey, body, mentionsIn(body, picked))
    setSending(false)
    // the action has dropped the draft of a sent message
    if (result.ok) {
      setError(null)
    } else {
      setError(result.error.message)
    }
  }

  return (
    <form
      className="chat-composer"
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <label htmlFor={inputId} className="sr-only">
        Message {threadName}
      </label>
      <MentionInput
        id={inputId}
        value={body}
        multiline
        onChange={(next) => {
          updateChatDraft(threadKey, (draft) => ({ ...draft, body: next }))
          if (error) setError(null)
        }}
        onPick={(m) =>
          updateChatDraft(threadKey, (draft) => ({ ...draft, picked: [...draft.picked, m] }))
        }
        onSubmit={() => void submit()}
        suggest={suggest}
        placeholder="Type @ to mention"
        describedBy={error ? `${inputId}-error` : undefined}
      />
      <button type="submit" disabled={sending || !connected}>
        Send
      </button>
      {length > CHAT_BODY_MAX - 200 && (
        <p className={length > CHAT_BODY_MAX ? 'chat-count error' : 'chat-count muted'}>
          {length} / {CHAT_BODY_MAX}
        </p>
      )}
      {error && (
        <p id={`${inputId}-error`} role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  )
}
