import type { TicketMessageDto } from '@flare/protocol'
import { useState } from 'react'
import { ApiRequestError } from '../api.js'
import { notificationsApi } from './notifications-api.js'

const TEXT = { sending: 'Sending…', sent: 'Sent by SMS', failed: 'Not delivered' } as const

/** How a staff reply to an SMS customer went (SPEC §7), with "Retry" when it failed. */
export function DeliveryState({
  spaceId,
  message,
}: {
  spaceId: string
  message: TicketMessageDto
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const delivery = message.delivery
  if (!delivery) return null

  async function retry() {
    setBusy(true)
    try {
      await notificationsApi.retryReply(spaceId, message.ticketId, message.id)
      setError(null)
    } catch (e) {
      setError(e instanceof ApiRequestError ? e.message : 'Could not retry. Try again.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <p className={`reply-delivery reply-delivery-${delivery.state}`} role="status">
      <span>{TEXT[delivery.state]}</span>
      {delivery.error && (
        <span className="muted small">
          {delivery.state === 'sending' ? ' (retrying: ' : ': '}
          {delivery.error}
          {delivery.state === 'sending' ? ')' : ''}
        </span>
      )}
      {delivery.state === 'failed' && (
        <button
          type="button"
          className="secondary small"
          disabled={busy}
          onClick={() => void retry()}
        >
          Retry
        </button>
      )}
      {error && <span className="error small"> {error}</span>}
    </p>
  )
}
