import type { EscalationEnded } from '@flare/protocol/client'
import { useState } from 'react'
import { CloseIcon, SoundIcon } from '../layout/icons.js'
import { dismissHandEnded } from '../layout/layout-actions.js'
import { displayNameOf } from '../layout/people.js'
import { RelativeTime } from '../layout/RelativeTime.js'
import { useFlare } from '../store/index.js'
import { setSoundPreference, toggleHand } from './hand-actions.js'
import { HandIcon } from './icons.js'

/**
 * Why your hand went down, in words, naming who did it when it was someone (`you`: your own
 * user id, so lowering every hand yourself reads as you did it).
 */
export function handEndedText(
  ended: EscalationEnded,
  roomName: string | null,
  you: string | null = null,
): string {
  const yourself = ended.endedBy !== null && ended.endedBy === you
  const by = ended.endedBy ? displayNameOf(ended.endedBy) : 'A manager'
  switch (ended.reason) {
    case 'entered_room':
      return `Your hand was lowered: you walked into ${roomName ?? 'a meeting room'}.`
    case 'away':
      return 'Your hand was lowered: you set yourself away.'
    case 'left':
    case 'disconnected':
      return 'Your hand was lowered: you were disconnected for more than 30 seconds.'
    case 'ended_by_manager':
      return yourself ? 'You lowered your hand.' : `${by} lowered your hand.`
    case 'lowered_all':
      return yourself
        ? 'You lowered every hand, yours included.'
        : `${by} lowered every hand, yours included.`
    default:
      return 'Your hand was lowered.'
  }
}

/** The toolbar under the main pane: Escalation (raise or lower your hand), sound, keyboard hints. */
export function HandToolbar() {
  const raised = useFlare(
    (s) => s.snapshot?.escalations.some((e) => e.raisedBy === s.snapshot?.you) ?? false,
  )
  const connected = useFlare((s) => s.connection.state === 'connected' && s.snapshot !== null)
  const sound = useFlare((s) =>
    s.me.status === 'ready' ? (s.me.value?.user.preferences.sound ?? true) : true,
  )
  const ended = useFlare((s) => s.handEnded)
  const you = useFlare((s) => s.snapshot?.you ?? null)
  const roomName = useFlare((s) => {
    const me = s.snapshot?.members.find((m) => m.userId === s.snapshot?.you)
    return me?.roomId ? (s.snapshot?.rooms.find((r) => r.id === me.roomId)?.name ?? null) : null
  })
  const [error, setError] = useState<string | null>(null)

  return (
    <div className="control-toolbar" role="toolbar" aria-label="Controls">
      <button
        type="button"
        // the label says what pressing does ("Escalation", "Lower hand"), so no pressed state
        // besides it: a screen reader would read "Lower hand, pressed"
        className={raised ? 'escalation-button raised' : 'escalation-button'}
        disabled={!connected}
        title={connected ? undefined : 'Not connected: wait until the connection is back'}
        onClick={() => void toggleHand()}
      >
        <HandIcon />
        {raised ? 'Lower hand' : 'Escalation'}
      </button>
      <button
        type="button"
        className="secondary"
        aria-pressed={sound}
        onClick={async () => setError(await setSoundPreference(!sound))}
      >
        <SoundIcon on={sound} />
        {sound ? 'Sound on' : 'Sound off'}
      </button>
      <div className="hand-ended" role="status">
        {ended && (
          <>
            <span>
              {handEndedText(ended, roomName, you)}{' '}
              <span className="muted">
                <RelativeTime iso={ended.endedAt} />
              </span>
            </span>
            <button
              type="button"
              className="ghost icon-button"
              aria-label="Dismiss the note about your hand"
              onClick={dismissHandEnded}
            >
              <CloseIcon />
            </button>
          </>
        )}
      </div>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
      <p className="key-hints" aria-hidden="true">
        <kbd>Alt+1</kbd> newest alert · <kbd>A</kbd> approach · <kbd>C</kbd> chat · <kbd>O</kbd> I’m
        on it · <kbd>Esc</kbd> dismiss
      </p>
    </div>
  )
}
