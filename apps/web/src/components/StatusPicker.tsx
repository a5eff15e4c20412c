import type { PresenceStatus } from '@flare/protocol'
import { useState } from 'react'
import { setStatus } from '../socket.js'
import { useFlare } from '../store/index.js'

const LABELS: Record<PresenceStatus, string> = {
  available: 'Available',
  busy: 'Busy',
  away: 'Away',
}

/** Your own status, as everyone in the space sees it. */
export function StatusPicker() {
  const status = useFlare(
    (s) => s.snapshot?.members.find((m) => m.userId === s.snapshot?.you)?.status,
  )
  const [error, setError] = useState<string | null>(null)
  if (!status) return null
  return (
    <label className="status-picker">
      <span className="sr-only">Your status</span>
      <select
        value={status}
        onChange={async (e) => {
          const result = await setStatus(e.target.value as PresenceStatus)
          setError(result.ok ? null : result.error.message)
        }}
      >
        {(Object.keys(LABELS) as PresenceStatus[]).map((s) => (
          <option key={s} value={s}>
            {LABELS[s]}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </label>
  )
}
