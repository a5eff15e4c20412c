import type {
  NotificationTemplateDto,
  PreferencesUpdate,
  WebhookDto,
  WebhookEvent,
} from '@flare/protocol'
import { useEffect, useId, useState } from 'react'
import { ApiRequestError, api } from '../api.js'
import { followLink } from '../automation/navigation.js'
import { useFlare } from '../store/index.js'
import { notificationsApi } from './notifications-api.js'
import { disablePush, enablePush, pushSupported } from './push.js'
import { TemplateEditor } from './TemplateEditor.js'
import './notifications.css'

function messageOf(error: unknown): string {
  return error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.'
}

/** Saves the person's own preferences and keeps the store's copy in step. */
async function savePreferences(change: PreferencesUpdate): Promise<string | null> {
  try {
    const preferences = await api.setPreferences(change)
    useFlare.setState((s) =>
      s.me.status === 'ready' && s.me.value
        ? {
            me: {
              status: 'ready',
              value: { ...s.me.value, user: { ...s.me.value.user, preferences } },
            },
          }
        : {},
    )
    return null
  } catch (error) {
    return messageOf(error)
  }
}

/**
 * Email, push and sound, each on or off, for the person looking (SPEC §7): the first thing on
 * the settings page, for everyone. `labelledBy` is the id of the heading that names it.
 */
export function MyPreferences({ labelledBy }: { labelledBy: string }) {
  const preferences = useFlare((s) =>
    s.me.status === 'ready' ? s.me.value?.user.preferences : null,
  )
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (!preferences) return <p className="muted">Loading your preferences…</p>

  async function toggle(change: PreferencesUpdate) {
    setBusy(true)
    let problem: string | null = null
    try {
      if (change.push === true) problem = await enablePush()
      if (change.push === false) await disablePush()
    } catch (e) {
      problem = e instanceof Error ? e.message : 'Push could not be turned on.'
    }
    setError(problem ?? (await savePreferences(change)))
    setBusy(false)
  }

  return (
    <fieldset className="my-preferences" aria-labelledby={labelledBy} aria-busy={busy}>
      <label>
        <input
          type="checkbox"
          checked={preferences.emailNotifications}
          disabled={busy}
          onChange={(e) => void toggle({ emailNotifications: e.target.checked })}
        />
        Email me when an escalation with “notify” reaches me
      </label>
      <label>
        <input
          type="checkbox"
          checked={preferences.push}
          disabled={busy || (!preferences.push && !pushSupported())}
          onChange={(e) => void toggle({ push: e.target.checked })}
        />
        Push notifications in this browser, even with Flare closed
        {!pushSupported() && <span className="muted small"> (not available here)</span>}
      </label>
      <label>
        <input
          type="checkbox"
          checked={preferences.sound}
          disabled={busy}
          onChange={(e) => void toggle({ sound: e.target.checked })}
        />
        Play the alert sound
      </label>
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
    </fieldset>
  )
}

function SlackSettings({ spaceId }: { spaceId: string }) {
  const id = useId()
  const [url, setUrl] = useState('')
  const [connected, setConnected] = useState<boolean | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    notificationsApi.slack(spaceId).then(
      (r) => {
        setConnected(r.webhookUrl !== null)
        setUrl(r.webhookUrl ?? '')
      },
      (e: unknown) => setError(messageOf(e)),
    )
  }, [spaceId])

  async function save() {
    try {
      await notificationsApi.setSlack(spaceId, url.trim())
      setConnected(true)
      setError(null)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  async function disconnect() {
    try {
      await notificationsApi.removeSlack(spaceId)
      setConnected(false)
      setUrl('')
      setError(null)
    } catch (e) {
      setError(messageOf(e))
    }
  }

  return (
    <div className="integration">
      <h3 id={`${id}-h`}>Slack</h3>
      <p className="muted small">
        Rules with the Slack channel post to this incoming webhook, with a link to the ticket.
        {connected === true ? ' Connected.' : connected === false ? ' Not connected.' : ''}
      </p>
      <div className="row">
        <label htmlFor={`${id}-url`} className="sr-only">
          Slack incoming-webhook URL
        </label>
        <input
          id={`${id}-url`}
          type="url"
          placeholder="https://hooks.slack.com/services/…"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <button type="button" className="small" disabled={!url.trim()} onClick={() => void save()}>
          Save
        </button>
        {connected && (
          <button type="button" className="secondary small" onClick={() => void disconnect()}>
            Disconnect
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
    </div>
  )
}

/** What an endpoint can subscribe to, as a person reads it (SPEC §7.2.5). */
const WEBHOOK_EVENT_NAMES: Record<WebhookEvent, string> = {
  'ticket.escalated': 'A rule escalates a ticket (rules with the webhook channel)',
  'hand.raised': 'Someone raises a hand',
  'ticket.acknowledged': 'Someone says “I’m on it” to an escalation',
}
const WEBHOOK_EVENTS: WebhookEvent[] = ['ticket.escalated', 'hand.raised', 'ticket.acknowledged']

function WebhookSettings({ spaceId }: { spaceId: string }) {
  const id = useId()
  const [hooks, setHooks] = useState<WebhookDto[]>([])
  const [url, setUrl] = useState('')
  const [events, setEvents] = useState<WebhookEvent[]>(['ticket.escalated'])
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null)
  const [result, setResult] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    notificationsApi.webhooks(spaceId).then(
      (r) => setHooks(r.webhooks),
      (e: unknown) => setError(messageOf(e)),
    )
  }, [spaceId])

  async function add() {
    try {
      const { webhook } = await notificationsApi.addWebhook(spaceId, url.trim(), events)
      setHooks((current) => [...current, webhook])
      setSecret({ url: webhook.url, secret: webhook.secret })
      setUrl('')
      setError(null)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  async function remove(webhookId: string) {
    try {
      await notificationsApi.removeWebhook(spaceId, webhookId)
      setHooks((current) => current.filter((h) => h.id !== webhookId))
    } catch (e) {
      setError(messageOf(e))
    }
  }
  async function test(webhookId: string) {
    try {
      const r = await notificationsApi.testWebhook(spaceId, webhookId)
      setResult(r.delivered ? `The endpoint answered ${r.status}.` : `Not delivered: ${r.error}`)
    } catch (e) {
      setError(messageOf(e))
    }
  }

  return (
    <div className="integration">
      <h3>Webhooks</h3>
      <p className="muted small">
        Each event an endpoint subscribes to is POSTed as JSON, signed in{' '}
        <code>Flare-Signature</code> with the endpoint's secret.
      </p>
      {hooks.length > 0 && (
        <ul className="webhook-list">
          {hooks.map((hook) => (
            <li key={hook.id}>
              <code>{hook.url}</code> <span className="muted small">{hook.events.join(', ')}</span>
              <button type="button" className="secondary small" onClick={() => void test(hook.id)}>
                Send test event
              </button>
              <button
                type="button"
                className="secondary small"
                onClick={() => void remove(hook.id)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <label htmlFor={`${id}-url`} className="sr-only">
          Endpoint URL
        </label>
        <input
          id={`${id}-url`}
          type="url"
          placeholder="https://example.com/flare-webhook"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <button
          type="button"
          className="small"
          disabled={!url.trim() || events.length === 0}
          onClick={() => void add()}
        >
          Add endpoint
        </button>
      </div>
      <fieldset className="webhook-events">
        <legend className="small">Send these events to the new endpoint</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <label key={event}>
            <input
              type="checkbox"
              checked={events.includes(event)}
              onChange={(e) =>
                setEvents((current) =>
                  e.target.checked
                    ? [...current, event]
                    : current.filter((chosen) => chosen !== event),
                )
              }
            />
            {WEBHOOK_EVENT_NAMES[event]} <code>{event}</code>
          </label>
        ))}
      </fieldset>
      {secret && (
        <div className="note" role="status">
          <p>
            Signing secret for <code>{secret.url}</code>, shown only now: keep it with the receiver.
          </p>
          <code className="secret">{secret.secret}</code>
        </div>
      )}
      {result && (
        <p className="muted small" role="status">
          {result}
        </p>
      )}
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
    </div>
  )
}

function Templates({ spaceId, canEdit }: { spaceId: string; canEdit: boolean }) {
  const [templates, setTemplates] = useState<NotificationTemplateDto[] | null>(null)
  const [variables, setVariables] = useState<string[]>([])
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    notificationsApi.templates(spaceId).then(
      (r) => {
        setTemplates(r.templates)
        setVariables(r.variables)
      },
      (e: unknown) => setError(messageOf(e)),
    )
  }, [spaceId])
  if (error) {
    return (
      <p role="alert" className="error">
        {error}
      </p>
    )
  }
  if (!templates) return <p className="muted">Loading the templates…</p>
  return (
    <div className="templates">
      {templates.map((template) => (
        <TemplateEditor
          key={template.channel}
          template={template}
          variables={variables}
          canEdit={canEdit}
          onSave={async (text) => {
            try {
              await notificationsApi.saveTemplate(spaceId, template.channel, text)
              return null
            } catch (e) {
              return messageOf(e)
            }
          }}
        />
      ))}
    </div>
  )
}

/**
 * Settings → Notifications, for admins and managers: Slack, webhooks, the escalation templates
 * and the delivery log. Each person's own preferences are `MyPreferences`, at the top.
 */
export function NotificationSettings({ spaceId }: { spaceId: string }) {
  return (
    <section className="settings-card" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <p className="notifications-link">
        <a href={`/spaces/${spaceId}/deliveries`} onClick={followLink}>
          Delivery log
        </a>{' '}
        <span className="muted small">
          — every email, SMS, Slack post, webhook and push, with retries
        </span>
      </p>
      <SlackSettings spaceId={spaceId} />
      <WebhookSettings spaceId={spaceId} />
      <h3>Escalation messages</h3>
      <Templates spaceId={spaceId} canEdit />
    </section>
  )
}
