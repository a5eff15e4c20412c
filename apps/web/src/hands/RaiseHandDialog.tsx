import {
  countGraphemes,
  ESCALATION_MESSAGE_MAX,
  type EscalationRecipients,
  normalizeEscalationMessage,
  type SpaceResponse,
} from '@flare/protocol/client'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { ModalDialog } from '../layout/ModalDialog.js'
import { useFlare } from '../store/index.js'
import { closeRaiseHandDialog, loadRecentMessages, raiseHand } from './hand-actions.js'
import { RecipientPicker } from './RecipientPicker.js'

const EMPTY: EscalationRecipients = { userIds: [], groupIds: [] }

/**
 * The Escalation dialog (SPEC §3), to raise your hand: message, recent messages, notify toggle,
 * recipients, Execute. A native modal `<dialog>`: focus stays in it and returns on close.
 */
export function RaiseHandDialog() {
  const open = useFlare((s) => s.escalationDialogOpen)
  const space = useFlare((s) => (s.space.status === 'ready' ? s.space.value : null))
  const you = useFlare((s) => s.snapshot?.you ?? null)
  if (!open || !space || !you) return null
  return <RaiseHandForm space={space} you={you} />
}

function RaiseHandForm({ space, you }: { space: SpaceResponse; you: string }) {
  const [message, setMessage] = useState('')
  const [notify, setNotify] = useState(false)
  const [recipients, setRecipients] = useState<EscalationRecipients>(EMPTY)
  const [recent, setRecent] = useState<string[]>([])
  const [showRecent, setShowRecent] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const messageRef = useRef<HTMLInputElement>(null)
  const ids = { title: useId(), counter: useId(), reason: useId() }
  // the server refuses a hand raised in a meeting room (entering one ends it): say so first
  const room = useFlare((s) => {
    const me = s.snapshot?.members.find((m) => m.userId === you)
    return me?.roomId ? (s.snapshot?.rooms.find((r) => r.id === me.roomId)?.name ?? 'a room') : null
  })

  const spaceId = space.space.id
  useEffect(() => {
    messageRef.current?.focus()
    let live = true
    void loadRecentMessages(spaceId).then((m) => live && setRecent(m))
    return () => {
      live = false
    }
  }, [spaceId])

  const length = countGraphemes(normalizeEscalationMessage(message))
  const tooLong = length > ESCALATION_MESSAGE_MAX
  const noRecipients = notify && recipients.userIds.length === 0 && recipients.groupIds.length === 0
  const reason = room
    ? `You are in ${room}: a hand cannot be raised inside a meeting room. Leave the room first.`
    : tooLong
      ? `The message is ${length} characters; at most ${ESCALATION_MESSAGE_MAX} fit.`
      : noRecipients
        ? 'Choose at least one person or group to notify.'
        : null

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (reason || busy) return
    setBusy(true)
    const result = await raiseHand({
      message,
      notify,
      recipients: notify ? recipients : EMPTY,
    })
    setBusy(false)
    if (result.ok) closeRaiseHandDialog()
    else setError(result.error.message)
  }

  return (
    <ModalDialog aria-labelledby={ids.title} onClose={closeRaiseHandDialog}>
      <form className="dialog-form" onSubmit={(e) => void submit(e)}>
        <h2 id={ids.title}>Raise your hand</h2>
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
          {/* said where the eye is, under the field, not only by the disabled button */}
          <span id={ids.counter} className={tooLong ? 'counter over' : 'counter'}>
            <span>
              {length}/{ESCALATION_MESSAGE_MAX}
            </span>
            {tooLong && (
              <span>
                {' '}
                · {length - ESCALATION_MESSAGE_MAX} too many: shorten it to raise your hand
              </span>
            )}
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
            ? 'Urgent hand (red): everyone sees it, and the people you choose get an alert with a sound.'
            : 'Hand raised (yellow): a pop-up over your avatar that everyone in the space can see.'}
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
          // a message too long is said under its field already: here it stays for the button
          <p id={ids.reason} className={!room && tooLong ? 'reason sr-only' : 'reason'}>
            {reason}
          </p>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={closeRaiseHandDialog}>
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
    </ModalDialog>
  )
}
