import type { DeliveryDto, UserDto } from '@flare/protocol'
import { useCallback, useEffect, useState } from 'react'
import { ApiRequestError } from '../api.js'
import { followLink } from '../automation/navigation.js'
import { BrandMark } from '../components/BrandMark.js'
import { AccountMenu } from '../layout/AccountMenu.js'
import { ArrowBackIcon } from '../layout/icons.js'
import { countOf } from '../layout/words.js'
import { type DeliveryRemedy, remedyFor } from './delivery-remedy.js'
import { formatLogTime, formatLogTimeFull } from './log-time.js'
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

const EVENT_NAMES: Record<DeliveryDto['event'], string> = {
  'ticket.escalated': 'Escalation',
  'ticket.reply': 'Reply to the customer',
  'hand.raised': 'Raised hand',
  'ticket.acknowledged': 'I’m on it',
  'ticket.sla_warning': 'SLA warning',
}

/** The address of the delivery log, `/spaces/:spaceId/deliveries`, or null. */
export function deliveriesSpaceId(pathname: string): string | null {
  return pathname.match(/^\/spaces\/([^/]+)\/deliveries\/?$/)?.[1] ?? null
}

/** The ticket the log is filtered to, `?ticket=<id>`, so the filtered log can be linked to. */
function ticketInAddress(search: string): string | undefined {
  const id = new URLSearchParams(search).get('ticket')
  return id && /^[0-9a-f-]{36}$/i.test(id) ? id : undefined
}

/** A channel error without the API route some end with: the log says what to do instead. */
function readableError(error: string): string {
  return error.replace(/ \((?:GET|PUT|POST|DELETE) \/api\/[^)]*\)$/, '')
}

function messageOf(error: unknown): string {
  return error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.'
}

/** A time of the log, short, with the full instant on hover and for assistive technology. */
function When({ at, reference }: { at: string; reference: Date }) {
  return (
    <time dateTime={at} title={formatLogTimeFull(at)}>
      {formatLogTime(at, reference)}
    </time>
  )
}

/** One delivery: what went where about which ticket, how it went, and what can be done. */
function DeliveryRow({
  delivery,
  remedy,
  filtered,
  onRetry,
  onFilter,
  busy,
}: {
  delivery: DeliveryDto
  remedy: DeliveryRemedy
  filtered: boolean
  onRetry(id: string): void
  onFilter(ticketId: string): void
  busy: boolean
}) {
  const [open, setOpen] = useState(false)
  // an in-app pop-up is sent when a client of its target shows it, never retried
  const unseen = delivery.channel === 'in_app' && delivery.state === 'pending'
  const queued = new Date(delivery.createdAt)
  const showAttempts =
    delivery.attempts > 1 || (delivery.state === 'failed' && delivery.channel !== 'in_app')
  const subject = delivery.ticketSubject
  const ticketName = subject ?? 'Open ticket'
  return (
    <>
      <tr className={`delivery delivery-${delivery.state}`}>
        <td data-label="To" className="delivery-to">
          <span className="delivery-channel">{CHANNEL_NAMES[delivery.channel]}</span>
          <span>{delivery.targetLabel}</span>
        </td>
        <td data-label="About" className="delivery-about">
          {/* filtered to one ticket, the filter above names it once */}
          {delivery.ticketId && !filtered && (
            // `/t/:id` is the server's: it opens the ticket in its space (a whole page load)
            <a href={`/t/${delivery.ticketId}`} className="delivery-ticket">
              {ticketName}
            </a>
          )}
          <span className="delivery-event">
            {EVENT_NAMES[delivery.event]}
            {delivery.ticketId && !filtered && (
              <>
                {' · '}
                <button
                  type="button"
                  className="ghost small delivery-link-button"
                  // the visible words first in the name (WCAG 2.5.3), then which ticket
                  aria-label={subject ? `Only this ticket: ${subject}` : undefined}
                  onClick={() => delivery.ticketId && onFilter(delivery.ticketId)}
                >
                  Only this ticket
                </button>
              </>
            )}
          </span>
        </td>
        <td data-label="State" className="delivery-state-cell">
          <span className={`delivery-state delivery-state-${delivery.state}`}>
            {unseen ? 'Not yet shown' : STATE_TEXT[delivery.state]}
          </span>
          {showAttempts && (
            <span className="delivery-attempts">
              {countOf(delivery.attempts, 'attempt', 'attempts')}
            </span>
          )}
          {delivery.captured && (
            <>
              <span
                className="delivery-captured"
                title="Kept by Flare’s built-in sink: it did not leave the server"
              >
                Captured, not sent
              </span>
              <button
                type="button"
                className="ghost small delivery-link-button"
                aria-expanded={open}
                onClick={() => setOpen(!open)}
              >
                {open ? 'Hide message' : 'Show message'}
              </button>
            </>
          )}
        </td>
        <td data-label="Last error" className="delivery-error">
          {delivery.lastError ? (
            <span title={delivery.lastError}>{readableError(delivery.lastError)}</span>
          ) : (
            '—'
          )}
          {remedy.kind === 'fix' && <span className="delivery-fix">{remedy.fix}</span>}
          {remedy.kind === 'gone' && (
            <span className="delivery-fix">{remedy.why} Nothing to retry.</span>
          )}
          {/* each action sits with what it answers: no column of buttons to squeeze the words */}
          {(remedy.kind === 'retry' || remedy.kind === 'fix') && (
            <button
              type="button"
              // after a fix the retry is the second step, not the way out
              className={remedy.kind === 'fix' ? 'secondary small' : 'small'}
              disabled={busy}
              onClick={() => onRetry(delivery.id)}
            >
              {remedy.kind === 'fix' ? 'Retry' : 'Retry now'}
            </button>
          )}
        </td>
        <td data-label="Times" className="delivery-times-cell">
          <dl className="delivery-times">
            <dt>Queued</dt>
            <dd>
              <When at={delivery.createdAt} reference={new Date()} />
            </dd>
            {delivery.sentAt ? (
              <>
                <dt>Sent</dt>
                <dd>
                  <When at={delivery.sentAt} reference={queued} />
                </dd>
              </>
            ) : (
              delivery.lastAttemptAt && (
                <>
                  <dt>Last try</dt>
                  <dd>
                    <When at={delivery.lastAttemptAt} reference={queued} />
                  </dd>
                </>
              )
            )}
            {delivery.state === 'pending' && !unseen && delivery.nextAttemptAt && (
              <>
                <dt>Next try</dt>
                <dd>
                  <When at={delivery.nextAttemptAt} reference={queued} />
                </dd>
              </>
            )}
          </dl>
        </td>
      </tr>
      {open && delivery.captured && (
        <tr className="delivery-message">
          <td colSpan={5}>
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
 * What the built-in sink means, in a manager's words: only whoever runs the server can
 * connect a provider, so the variables to set are a second line, for them.
 */
function SinkNote({ sink }: { sink: { email: boolean; sms: boolean } }) {
  const both = sink.email && sink.sms
  const what = both ? 'email and SMS are' : sink.email ? 'email is' : 'SMS is'
  const provider = both
    ? 'an email and SMS provider'
    : sink.email
      ? 'an email provider'
      : 'an SMS provider'
  return (
    <div className="note delivery-sink" role="note">
      <p>
        {both ? 'Demo mode: ' : 'Not connected: '}
        {what} captured here, not sent. Whoever runs Flare can connect {provider}.
      </p>
      <p className="delivery-sink-setup">
        For whoever runs the server: set {sink.email ? <code>SMTP_URL</code> : null}
        {both ? ' and ' : null}
        {sink.sms ? <code>SMS_API_URL</code> : null}.
      </p>
    </div>
  )
}

/**
 * The delivery log (SPEC §7), for admins and managers: every notification Flare sent or is
 * trying to send, about which ticket, with its attempts and last error, and "Retry now" where
 * a retry can help (else what to fix). `?ticket=<id>` shows one ticket's deliveries.
 */
export function DeliveryLogPage({ spaceId, user }: { spaceId: string; user: UserDto }) {
  const [filter, setFilter] = useState<DeliveryFilter>(() => {
    const ticketId = ticketInAddress(window.location.search)
    return ticketId ? { ticketId } : {}
  })
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
  // the address follows the ticket filter, so a filtered log can be reloaded and shared
  useEffect(() => {
    const path = `/spaces/${spaceId}/deliveries`
    const address = filter.ticketId ? `${path}?ticket=${filter.ticketId}` : path
    if (`${window.location.pathname}${window.location.search}` !== address) {
      window.history.replaceState(null, '', address)
    }
  }, [spaceId, filter.ticketId])
  useEffect(() => {
    document.title = 'Deliveries · Flare'
    return () => {
      document.title = 'Flare'
    }
  }, [])

  // each row names its ticket; filtered to one, any of its rows names it
  const filteredSubject = rows.find((r) => r.ticketId === filter.ticketId)?.ticketSubject

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
        {sink && (sink.email || sink.sms) && <SinkNote sink={sink} />}
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
          {filter.ticketId && (
            <span className="delivery-ticket-filter">
              Ticket <a href={`/t/${filter.ticketId}`}>{filteredSubject ?? 'Open ticket'}</a>
              <button
                type="button"
                className="secondary small"
                onClick={() => setFilter({ ...filter, ticketId: undefined })}
              >
                All tickets
              </button>
            </span>
          )}
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
          <p className="muted">
            {filter.ticketId ? 'No deliveries for this ticket.' : 'No deliveries yet.'}
          </p>
        ) : (
          <table className="deliveries" aria-busy={status === 'loading'}>
            <caption className="sr-only">Notification deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col" className="delivery-to">
                  To
                </th>
                <th scope="col">About</th>
                <th scope="col" className="delivery-state-cell">
                  State
                </th>
                <th scope="col">Last error</th>
                <th scope="col" className="delivery-times-cell">
                  Times
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((delivery) => (
                <DeliveryRow
                  key={delivery.id}
                  delivery={delivery}
                  remedy={remedyFor(delivery, user.id)}
                  filtered={filter.ticketId !== undefined}
                  busy={busy}
                  onRetry={retry}
                  onFilter={(ticketId) => setFilter({ ...filter, ticketId })}
                />
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
