import type { PresenceStatus } from '@flare/protocol'
import { useState } from 'react'
import { setStatus } from '../socket.js'
import { useFlare } from '../store/index.js'

/** Each status in words. */
export const STATUS_LABELS: Record<PresenceStatus, string> = {
  available: 'Available',
  busy: 'Busy',
  away: 'Away',
}

/** The statuses in the order both pickers (this one and the account menu's) offer them. */
export const STATUS_CHOICES: readonly PresenceStatus[] = ['available', 'busy', 'away']

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
          const chosen = STATUS_CHOICES.find((s) => s === e.target.value)
          if (!chosen) return
          const result = await setStatus(chosen)
          setError(result.ok ? null : result.error.message)
        }}
      >
        {STATUS_CHOICES.map((s) => (
          <option key={s} value={s}>
            {STATUS_LABELS[s]}
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
