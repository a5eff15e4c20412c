import { AUDIT_KINDS, type AuditEntryDto, type AuditKind } from '@flare/protocol/client'
import { useCallback, useEffect, useState } from 'react'
import { nameOf } from '../automation/automation-socket.js'
import { RelativeTime } from '../layout/RelativeTime.js'
import { fetchAudit } from './supervisor-actions.js'

export const KIND_LABELS: Record<AuditKind, string> = {
  escalation_rule: 'Escalation rule',
  rotation: 'Rotation',
  business_hours: 'Business hours',
  inbox: 'Inbox settings',
  inbox_phone_escalation: 'Escalation to a phone',
  sla_policies: 'SLA policies',
  notification_template: 'Notification template',
  slack_integration: 'Slack',
  webhook: 'Webhook',
  wallboard: 'Wallboard',
  member: 'Member',
  group: 'Group',
}

const ACTION_WORDS: Record<AuditEntryDto['action'], string> = {
  create: 'created',
  update: 'changed',
  delete: 'removed',
}

function kindLabel(kind: string): string {
  return (KIND_LABELS as Record<string, string>)[kind] ?? kind
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * A JSON value as a person reads it: text as it is, lists joined, yes/no, a member's name for
 * their id, a dash for nothing.
 */
export function readable(value: unknown, path = ''): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (Array.isArray(value)) {
    return value.length === 0 ? '(none)' : value.map((v) => readable(v, path)).join(', ')
  }
  if (typeof value === 'string' && UUID.test(value) && /user|member|admin/i.test(path)) {
    return nameOf(value)
  }
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** The dotted path of a change, as words: `conditions.0.value` → `conditions › 1 › value`. */
function pathLabel(path: string): string {
  if (!path) return 'value'
  return path
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? String(Number(part) + 1) : part))
    .join(' › ')
}

function Entry({ entry }: { entry: AuditEntryDto }) {
  const who = entry.actor?.displayName ?? 'Someone no longer here'
  return (
    <li className="audit-entry">
      <p className="audit-head">
        <strong>{who}</strong> {ACTION_WORDS[entry.action]}{' '}
        <span className="audit-kind">{kindLabel(entry.kind)}</span>
        {entry.label && entry.label !== kindLabel(entry.kind) && <> “{entry.label}”</>}{' '}
        <span className="muted">
          <RelativeTime iso={entry.at} />
        </span>
      </p>
      {entry.action === 'update' && entry.before === null && (
        <p className="muted audit-note">Before this change, the default applied.</p>
      )}
      {entry.changes.length > 0 ? (
        <div className="table-scroll">
          <table className="audit-diff">
            <caption className="sr-only">
              What changed: {kindLabel(entry.kind)} {entry.label ?? ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Setting</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {entry.changes.map((change) => (
                <tr key={change.path}>
                  <th scope="row">{pathLabel(change.path)}</th>
                  <td className="audit-before">
                    <del>{readable(change.before, change.path)}</del>
                  </td>
                  <td className="audit-after">
                    <ins>{readable(change.after, change.path)}</ins>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">Saved without a change.</p>
      )}
    </li>
  )
}

/**
 * The audit log (SPEC §8.4): who changed which rule, calendar, SLA or setting, when, and each
 * changed value before and after.
 */
export function AuditPanel() {
  const [kind, setKind] = useState('')
  const [entries, setEntries] = useState<AuditEntryDto[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading')
  const [message, setMessage] = useState<string | null>(null)

  const load = useCallback(
    async (more: string | null) => {
      setStatus('loading')
      const result = await fetchAudit({
        ...(kind ? { kind } : {}),
        ...(more ? { cursor: more } : {}),
      })
      if (!result.ok) {
        setStatus('error')
        setMessage(result.message)
        return
      }
      setEntries((current) => (more ? [...current, ...result.value.entries] : result.value.entries))
      setCursor(result.value.nextCursor)
      setStatus('ready')
      setMessage(null)
    },
    [kind],
  )

  useEffect(() => {
    void load(null)
  }, [load])

  return (
    <div className="audit-panel">
      <form className="supervisor-filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          What changed
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">Everything</option>
            {AUDIT_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary small" onClick={() => void load(null)}>
          Refresh
        </button>
      </form>
      {message && (
        <p role="alert" className="error">
          {message}
        </p>
      )}
      {status === 'ready' && entries.length === 0 ? (
        <p className="muted empty">Nothing has been changed yet.</p>
      ) : (
        <ol
          className="audit-list"
          aria-busy={status === 'loading'}
          aria-label="Changes, newest first"
        >
          {entries.map((entry) => (
            <Entry key={entry.id} entry={entry} />
          ))}
        </ol>
      )}
      {status === 'loading' && <p className="muted">Loading the audit log…</p>}
      {cursor && status === 'ready' && (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          Show older
        </button>
      )}
    </div>
  )
}
