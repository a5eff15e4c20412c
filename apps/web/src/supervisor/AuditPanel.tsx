import { AUDIT_KINDS, type AuditEntryDto, type AuditKind } from '@flare/protocol/client'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { RelativeTime } from '../layout/RelativeTime.js'
import { useFlare } from '../store/index.js'
import { type AuditDirectory, type AuditRow, auditRows } from './audit-words.js'
import { fetchAudit } from './supervisor-actions.js'

export const KIND_LABELS: Record<AuditKind, string> = {
  escalation_rule: 'Escalation rule',
  rotation: 'Rotation',
  business_hours: 'Business hours',
  inbox: 'Inbox settings',
  inbox_phone_escalation: 'Escalation to a phone',
  inbox_triggers: 'Instant triggers',
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
  const known: Record<string, string> = KIND_LABELS
  return known[kind] ?? 'Setting'
}

/** How many fields a new or removed thing shows before "Show all fields": its name and gist. */
const FIELDS_AT_FIRST = 4

/**
 * Rows of setting and value. A change shows before and after; a creation or a removal has
 * one side only, so it shows that side alone rather than a column of dashes.
 */
function DiffTable({
  rows,
  action,
  caption,
}: {
  rows: AuditRow[]
  action: AuditEntryDto['action']
  caption: string
}) {
  return (
    <table className={action === 'update' ? 'audit-diff two-sides' : 'audit-diff one-side'}>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Setting</th>
          {action === 'update' ? (
            <>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </>
          ) : (
            <th scope="col">{action === 'create' ? 'Set to' : 'Was'}</th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.label}</th>
            {action === 'update' ? (
              <>
                <td className="audit-before" data-label="Before">
                  <del>{row.before}</del>
                </td>
                <td className="audit-after" data-label="After">
                  <ins>{row.after}</ins>
                </td>
              </>
            ) : (
              <td>{action === 'create' ? row.after : row.before}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/**
 * One change: who, what, when, then only the fields it changed; the fields it left alone (or,
 * for something new or removed, all but its first few) wait behind "Show all fields", so one
 * rule saved with a new name is one line, not the whole rule.
 */
export function AuditEntryView({
  entry,
  directory,
}: {
  entry: AuditEntryDto
  directory: AuditDirectory
}) {
  const who = entry.actor?.displayName ?? 'Someone no longer here'
  const kind = kindLabel(entry.kind)
  const { changed, rest } = auditRows(entry, directory)
  const update = entry.action === 'update'
  // a first save over the defaults has no stored before: its values alone, like a creation
  const layout = update && entry.before === null ? 'create' : entry.action
  const shown = update ? changed : changed.slice(0, FIELDS_AT_FIRST)
  const hidden = update ? rest : changed.slice(FIELDS_AT_FIRST)
  const caption = `${update ? 'What changed' : 'Its fields'}: ${kind} ${entry.label ?? ''}`.trim()
  return (
    <li className="audit-entry">
      <p className="audit-head">
        <strong>{who}</strong> {ACTION_WORDS[entry.action]}{' '}
        <span className="audit-kind">{kind}</span>
        {entry.label && entry.label !== kind && <> “{entry.label}”</>}{' '}
        <span className="muted audit-when">
          <RelativeTime iso={entry.at} />
        </span>
      </p>
      {update && entry.before === null && (
        <p className="muted audit-note">Before this change, the default applied.</p>
      )}
      {shown.length > 0 ? (
        <DiffTable rows={shown} action={layout} caption={caption} />
      ) : (
        <p className="muted audit-note">Saved without a change.</p>
      )}
      {hidden.length > 0 && (
        <details className="audit-more">
          <summary>
            Show all fields <span className="muted">({hidden.length} more)</span>
          </summary>
          {update ? (
            // unchanged: one value says it all, before and after are the same
            <DiffTable rows={hidden} action="create" caption={`Unchanged: ${kind}`} />
          ) : (
            <DiffTable rows={hidden} action={entry.action} caption={`More fields: ${kind}`} />
          )}
        </details>
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
  const space = useFlare((s) => s.space)
  const inboxes = useFlare((s) => s.inboxes)
  const rotations = useFlare((s) => s.rotations)
  // names for the ids the entries hold, from what the page has already loaded
  const directory = useMemo<AuditDirectory>(
    () => ({
      members: space.status === 'ready' ? space.value.members : [],
      groups: space.status === 'ready' ? space.value.groups : [],
      rotations: rotations.status === 'ready' ? rotations.value : [],
      rotationsLoaded: rotations.status === 'ready',
      inboxes: inboxes.status === 'ready' ? inboxes.value : null,
    }),
    [space, inboxes, rotations],
  )

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
            <AuditEntryView key={entry.id} entry={entry} directory={directory} />
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
