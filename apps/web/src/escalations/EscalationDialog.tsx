import {
  countGraphemes,
  ESCALATION_MESSAGE_MAX,
  type EscalationRecipients,
  normalizeEscalationMessage,
} from '@flare/protocol'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { useFlare } from '../store/index.js'
import { closeEscalationDialog, loadRecentMessages, raiseEscalation } from './escalation-actions.js'
import { RecipientPicker } from './RecipientPicker.js'

const EMPTY: EscalationRecipients = { userIds: [], groupIds: [] }

/** The Escalation dialog (SPEC §3): message, recent messages, notify toggle, recipients, Execute. */
export function EscalationDialog() {
  const open = useFlare((s) => s.escalationDialogOpen)
  const space = useFlare((s) => (s.space.status === 'ready' ? s.space.value : null))
  const you = useFlare((s) => s.snapshot?.you ?? null)
  const [message, setMessage] = useState('')
  const [notify, setNotify] = useState(false)
  const [recipients, setRecipients] = useState<EscalationRecipients>(EMPTY)
  const [recent, setRecent] = useState<string[]>([])
  const [showRecent, setShowRecent] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const messageRef = useRef<HTMLInputElement>(null)
  const ids = { title: useId(), counter: useId(), reason: useId() }

  useEffect(() => {
    if (!open || !space) return
    setMessage('')
    setNotify(false)
    setRecipients(EMPTY)
    setError(null)
    messageRef.current?.focus()
    let live = true
    void loadRecentMessages(space.space.id).then((m) => live && setRecent(m))
    return () => {
      live = false
    }
  }, [open, space])

  if (!open || !space || !you) return null

  const length = countGraphemes(normalizeEscalationMessage(message))
  const tooLong = length > ESCALATION_MESSAGE_MAX
  const noRecipients = notify && recipients.userIds.length === 0 && recipients.groupIds.length === 0
  const reason = tooLong
    ? `The message is ${length} characters; at most ${ESCALATION_MESSAGE_MAX} fit.`
    : noRecipients
      ? 'Choose at least one person or group to notify.'
      : null

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (reason || busy) return
    setBusy(true)
    const result = await raiseEscalation({
      message,
      notify,
      recipients: notify ? recipients : EMPTY,
    })
    setBusy(false)
    if (result.ok) closeEscalationDialog()
    else setError(result.error.message)
  }

  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={ids.title}
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') closeEscalationDialog()
        }}
      >
        <h2 id={ids.title}>Raise an escalation</h2>
        <fieldset
          className="field"
          onFocus={() => setShowRecent(true)}
          onBlur={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget)) setShowRecent(false)
          }}
        >
          <label htmlFor={`${ids.title}-message`}>Message (optional)</label>
          <input
            id={`${ids.title}-message`}
            ref={messageRef}
            type="text"
            autoComplete="off"
            value={message}
            aria-describedby={ids.counter}
            aria-invalid={tooLong}
            onChange={(e) => setMessage(e.target.value)}
            placeholder="What do you need help with?"
          />
          <span id={ids.counter} className={tooLong ? 'counter over' : 'counter'}>
            {length}/{ESCALATION_MESSAGE_MAX}
          </span>
          {showRecent && message === '' && recent.length > 0 && (
            <ul className="recent" aria-label="Recent messages">
              {recent.map((m) => (
                <li key={m}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setMessage(m)
                      setShowRecent(false)
                      messageRef.current?.focus()
                    }}
                  >
                    {m}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            aria-checked={notify}
            checked={notify}
            onChange={(e) => setNotify(e.target.checked)}
          />
          <span>Notify users in the space</span>
        </label>
        <p className="muted hint">
          {notify
            ? 'Red: everyone sees it, and the people you choose get a notification with a sound.'
            : 'Yellow: a raised hand over your avatar that everyone in the space can see.'}
        </p>
        {notify && (
          <RecipientPicker
            space={space}
            value={recipients}
            onChange={setRecipients}
            selfId={you}
            describedBy={reason ? ids.reason : undefined}
          />
        )}
        {reason && (
          <p id={ids.reason} className="reason">
            {reason}
          </p>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={closeEscalationDialog}>
            Cancel
          </button>
          <button
            type="submit"
            disabled={reason !== null || busy}
            aria-describedby={reason ? ids.reason : undefined}
          >
            {busy ? 'Raising…' : 'Execute'}
          </button>
        </div>
      </form>
    </div>
  )
}
