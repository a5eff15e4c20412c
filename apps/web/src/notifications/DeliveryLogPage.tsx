import type { DeliveryDto, UserDto } from '@flare/protocol'
import { useCallback, useEffect, useState } from 'react'
import { ApiRequestError } from '../api.js'
import { followLink } from '../automation/navigation.js'
import { BrandMark } from '../components/BrandMark.js'
import { AccountMenu } from '../layout/AccountMenu.js'
import { ArrowBackIcon } from '../layout/icons.js'
import { type DeliveryFilter, notificationsApi } from './notifications-api.js'
import './notifications.css'

const CHANNEL_NAMES: Record<DeliveryDto['channel'], string> = {
  in_app: 'In app',
  email: 'Email',
  sms: 'SMS',
  slack: 'Slack',
  webhook: 'Webhook',
  push: 'Push',
}

const STATE_TEXT: Record<DeliveryDto['state'], string> = {
  pending: 'Pending',
  sent: 'Sent',
  failed: 'Failed',
}

/** The address of the delivery log, `/spaces/:spaceId/deliveries`, or null. */
export function deliveriesSpaceId(pathname: string): string | null {
  return pathname.match(/^\/spaces\/([^/]+)\/deliveries\/?$/)?.[1] ?? null
}

function when(at: string | null): string {
  return at ? new Date(at).toLocaleString() : '—'
}

function messageOf(error: unknown): string {
  return error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.'
}

/** One delivery: what went where, how it went, and "Retry now" when it can be. */
function DeliveryRow({
  delivery,
  onRetry,
  busy,
}: {
  delivery: DeliveryDto
  onRetry(id: string): void
  busy: boolean
}) {
  const [open, setOpen] = useState(false)
  const retryable = delivery.channel !== 'in_app' && delivery.state !== 'sent'
  // an in-app pop-up is sent when a client of its target shows it, never retried
  const unseen = delivery.channel === 'in_app' && delivery.state === 'pending'
  return (
    <>
      <tr className={`delivery delivery-${delivery.state}`}>
        <td data-label="Channel">{CHANNEL_NAMES[delivery.channel]}</td>
        <td data-label="To">{delivery.targetLabel}</td>
        <td data-label="State">
          <span className={`delivery-state delivery-state-${delivery.state}`}>
            {unseen ? 'Not yet shown' : STATE_TEXT[delivery.state]}
          </span>
          {delivery.captured && (
            <span className="delivery-captured" title="No SMTP_URL / SMS_API_URL is set">
              Captured, not sent outside
            </span>
          )}
        </td>
        <td data-label="Attempts">{delivery.attempts}</td>
        <td data-label="Last error" className="delivery-error">
          {delivery.lastError ?? '—'}
        </td>
        <td data-label="Times">
          <dl className="delivery-times">
            <dt>Queued</dt>
            <dd>{when(delivery.createdAt)}</dd>
            <dt>Last try</dt>
            <dd>{when(delivery.lastAttemptAt)}</dd>
            {delivery.state === 'pending' && !unseen && (
              <>
                <dt>Next try</dt>
                <dd>{when(delivery.nextAttemptAt)}</dd>
              </>
            )}
            {delivery.sentAt && (
              <>
                <dt>Sent</dt>
                <dd>{when(delivery.sentAt)}</dd>
              </>
            )}
          </dl>
        </td>
        <td className="delivery-actions">
          {retryable && (
            <button
              type="button"
              className="small"
              disabled={busy}
              onClick={() => onRetry(delivery.id)}
            >
              Retry now
            </button>
          )}
          {delivery.captured && (
            <button
              type="button"
              className="secondary small"
              aria-expanded={open}
              onClick={() => setOpen(!open)}
            >
              {open ? 'Hide message' : 'Show message'}
            </button>
          )}
        </td>
      </tr>
      {open && delivery.captured && (
        <tr className="delivery-message">
          <td colSpan={7}>
            <p className="note" role="note">
              Kept by Flare's built-in sink: this message did not leave the server.
            </p>
            <p>
              <strong>From</strong> {delivery.captured.from} <strong>To</strong>{' '}
              {delivery.captured.to}
            </p>
            {delivery.captured.subject && (
              <p>
                <strong>Subject</strong> {delivery.captured.subject}
              </p>
            )}
            <pre className="delivery-text">{delivery.captured.text}</pre>
          </td>
        </tr>
      )}
    </>
  )
}

/**
 * The delivery log (SPEC §7), for admins and managers: every notification Flare sent or is
 * trying to send, with its attempts and last error, and "Retry now".
 */
export function DeliveryLogPage({ spaceId, user }: { spaceId: string; user: UserDto }) {
  const [filter, setFilter] = useState<DeliveryFilter>({})
  const [rows, setRows] = useState<DeliveryDto[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [sink, setSink] = useState<{ email: boolean; sms: boolean } | null>(null)
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [announcement, setAnnouncement] = useState('')

  const load = useCallback(
    async (more: string | null) => {
      setStatus('loading')
      try {
        const page = await notificationsApi.deliveries(spaceId, {
          ...filter,
          ...(more ? { cursor: more } : {}),
        })
        setRows((current) => (more ? [...current, ...page.deliveries] : page.deliveries))
        setCursor(page.nextCursor)
        setSink(page.sink)
        setStatus('ready')
        setError(null)
      } catch (e) {
        setStatus('error')
        setError(messageOf(e))
      }
    },
    [spaceId, filter],
  )

  useEffect(() => {
    void load(null)
  }, [load])
  useEffect(() => {
    document.title = 'Deliveries · Flare'
    return () => {
      document.title = 'Flare'
    }
  }, [])

  async function retry(id: string) {
    setBusy(true)
    try {
      const { delivery } = await notificationsApi.retry(spaceId, id)
      setRows((current) => current.map((r) => (r.id === id ? delivery : r)))
      setAnnouncement(`Queued again: ${CHANNEL_NAMES[delivery.channel]} to ${delivery.targetLabel}`)
      setError(null)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="settings-page deliveries-page">
      <header className="topbar">
        <BrandMark />
        <h1>Deliveries</h1>
        <a
          className="button-link secondary back-link"
          href={`/spaces/${spaceId}/settings`}
          onClick={followLink}
        >
          <ArrowBackIcon />
          Settings
        </a>
        <AccountMenu user={user} statusInMenu={false} />
      </header>
      <div className="sr-only" aria-live="polite">
        {announcement}
      </div>
      <main className="settings-main">
        {sink && (sink.email || sink.sms) && (
          <p className="note" role="note">
            {sink.email && sink.sms ? 'Email and SMS are' : sink.email ? 'Email is' : 'SMS is'}{' '}
            captured by Flare's built-in sink and not sent outside: set{' '}
            {sink.email ? <code>SMTP_URL</code> : null}
            {sink.email && sink.sms ? ' and ' : null}
            {sink.sms ? <code>SMS_API_URL</code> : null} to send for real.
          </p>
        )}
        <form className="delivery-filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            State
            <select
              value={filter.state ?? ''}
              onChange={(e) => setFilter({ ...filter, state: e.target.value || undefined })}
            >
              <option value="">Any</option>
              <option value="pending">Pending</option>
              <option value="sent">Sent</option>
              <option value="failed">Failed</option>
            </select>
          </label>
          <label>
            Channel
            <select
              value={filter.channel ?? ''}
              onChange={(e) => setFilter({ ...filter, channel: e.target.value || undefined })}
            >
              <option value="">Any</option>
              {Object.entries(CHANNEL_NAMES).map(([value, name]) => (
                <option key={value} value={value}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="secondary small" onClick={() => void load(null)}>
            Refresh
          </button>
        </form>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {status === 'ready' && rows.length === 0 ? (
          <p className="muted">No deliveries yet.</p>
        ) : (
          <table className="deliveries" aria-busy={status === 'loading'}>
            <caption className="sr-only">Notification deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">To</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Times</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((delivery) => (
                <DeliveryRow key={delivery.id} delivery={delivery} busy={busy} onRetry={retry} />
              ))}
            </tbody>
          </table>
        )}
        {status === 'loading' && (
          <p className="muted" aria-busy="true">
            Loading deliveries…
          </p>
        )}
        {cursor && status === 'ready' && (
          <button type="button" className="secondary" onClick={() => void load(cursor)}>
            Show older
          </button>
        )}
      </main>
    </div>
  )
}
