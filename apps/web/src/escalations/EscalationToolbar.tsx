import { useState } from 'react'
import { useFlare } from '../store/index.js'
import { setSoundPreference, toggleEscalation } from './escalation-actions.js'
import { HandIcon } from './icons.js'

/** The control toolbar under the map: the Escalation button and the sound switch. */
export function EscalationToolbar() {
  const raised = useFlare(
    (s) => s.snapshot?.escalations.some((e) => e.raisedBy === s.snapshot?.you) ?? false,
  )
  const connected = useFlare((s) => s.connection.state === 'connected' && s.snapshot !== null)
  const sound = useFlare((s) =>
    s.me.status === 'ready' ? (s.me.value?.user.preferences.sound ?? true) : true,
  )
  const [permission, setPermission] = useState(() =>
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  )
  const [error, setError] = useState<string | null>(null)

  return (
    <div className="control-toolbar" role="toolbar" aria-label="Controls">
      <button
        type="button"
        className={raised ? 'escalation-button raised' : 'escalation-button'}
        aria-pressed={raised}
        disabled={!connected}
        onClick={() => void toggleEscalation()}
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
        {sound ? 'Sound on' : 'Sound off'}
      </button>
      {permission === 'default' && (
        <button
          type="button"
          className="secondary"
          onClick={async () => setPermission(await Notification.requestPermission())}
        >
          Alert me when this tab is hidden
        </button>
      )}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </div>
  )
}
