import {
  type InboxDto,
  type SlaPolicy,
  type SlaPolicyInput,
  type TicketPriority,
  validateSlaPolicies,
} from '@flare/protocol'
import { useId, useState } from 'react'
import { PRIORITY_LABEL } from '../inbox/format.js'
import { saveSlaPolicies } from './automation-actions.js'
import { friendlyMessage } from './field-errors.js'

const PRIORITIES: TicketPriority[] = ['urgent', 'high', 'medium', 'low']

/** One row as typed: numbers stay text until saved, so a half-typed value is not lost. */
interface Row {
  key: number
  /** '' = every inbox of the space */
  inboxId: string
  priority: TicketPriority
  firstResponse: string
  resolution: string
  businessHours: boolean
  atRisk: string
}

let keys = 0

function rowOf(policy: SlaPolicy): Row {
  keys += 1
  return {
    key: keys,
    inboxId: policy.inboxId ?? '',
    priority: policy.priority,
    firstResponse: policy.firstResponseMinutes === null ? '' : String(policy.firstResponseMinutes),
    resolution: policy.resolutionMinutes === null ? '' : String(policy.resolutionMinutes),
    businessHours: policy.businessHours,
    atRisk: String(policy.atRiskPercent),
  }
}

function blankRow(): Row {
  keys += 1
  return {
    key: keys,
    inboxId: '',
    priority: 'urgent',
    firstResponse: '',
    resolution: '',
    businessHours: true,
    atRisk: '80',
  }
}

const minutes = (text: string): number | null => (text.trim() === '' ? null : Number(text))

function inputOf(row: Row): SlaPolicyInput {
  return {
    priority: row.priority,
    inboxId: row.inboxId || null,
    firstResponseMinutes: minutes(row.firstResponse),
    resolutionMinutes: minutes(row.resolution),
    businessHours: row.businessHours,
    atRiskPercent: Number(row.atRisk),
  }
}

/** `policies.1.priority` → the row index and field, to show the message on that row. */
function placeOf(field: string | undefined): { row: number; field: string } | null {
  const match = /^policies\.(\d+)(?:\.(\w+))?/.exec(field ?? '')
  return match ? { row: Number(match[1]), field: match[2] ?? '' } : null
}

/**
 * SLA policies (SPEC §8.1): per priority, space-wide or for one inbox, with first-response
 * and resolution targets. The whole set is saved at once. Admins and managers edit; others read.
 */
export function SlaPoliciesPanel({
  policies,
  inboxes,
  canEdit,
}: {
  policies: SlaPolicy[]
  inboxes: InboxDto[]
  canEdit: boolean
}) {
  const uid = useId()
  const [rows, setRows] = useState<Row[]>(() => policies.map(rowOf))
  const [error, setError] = useState<{ row: number | null; field: string; text: string } | null>(
    null,
  )
  const [saving, setSaving] = useState(false)
  const [dirty, setDirty] = useState(false)

  function change(key: number, patch: Partial<Row>) {
    setRows((all) => all.map((r) => (r.key === key ? { ...r, ...patch } : r)))
    setDirty(true)
  }

  async function save() {
    const body = { policies: rows.map(inputOf) }
    const checked = validateSlaPolicies(body)
    const problem = checked.ok ? await saveSlaPolicies(checked.value) : checked.error
    if (!problem) {
      setError(null)
      setDirty(false)
      return
    }
    const place = placeOf(problem.field)
    setError({
      row: place?.row ?? null,
      field: place?.field ?? '',
      text: `${place ? `Policy ${place.row + 1}: ` : ''}${friendlyMessage(problem)}`,
    })
  }

  const inboxName = (id: string) => inboxes.find((i) => i.id === id)?.name ?? 'a deleted inbox'
  const invalid = (index: number, field: string) =>
    error?.row === index && error.field === field ? true : undefined

  return (
    <form
      className="settings-form sla-policies"
      aria-label="SLA policies"
      onSubmit={(e) => {
        e.preventDefault()
        setSaving(true)
        void save().finally(() => setSaving(false))
      }}
    >
      {rows.length === 0 ? (
        <p className="muted">No SLA policies: tickets have no SLA status.</p>
      ) : (
        <fieldset className="plain" disabled={!canEdit || saving}>
          <legend className="sr-only">Policies</legend>
          <div className="sla-table-wrap">
            <table className="sla-table">
              <thead>
                <tr>
                  <th scope="col">Applies to</th>
                  <th scope="col">Priority</th>
                  <th scope="col">First response (min)</th>
                  <th scope="col">Resolution (min)</th>
                  <th scope="col">Counts</th>
                  <th scope="col">At risk at (%)</th>
                  {canEdit && (
                    <th scope="col">
                      <span className="sr-only">Remove</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, index) => {
                  const name = `Policy ${index + 1}`
                  return (
                    <tr key={row.key}>
                      <td>
                        <select
                          aria-label={`${name}: applies to`}
                          value={row.inboxId}
                          aria-invalid={invalid(index, 'inboxId')}
                          onChange={(e) => change(row.key, { inboxId: e.target.value })}
                        >
                          <option value="">Every inbox</option>
                          {inboxes.map((i) => (
                            <option key={i.id} value={i.id}>
                              {i.name}
                            </option>
                          ))}
                          {row.inboxId && !inboxes.some((i) => i.id === row.inboxId) && (
                            <option value={row.inboxId}>{inboxName(row.inboxId)}</option>
                          )}
                        </select>
                      </td>
                      <td>
                        <select
                          aria-label={`${name}: priority`}
                          value={row.priority}
                          aria-invalid={invalid(index, 'priority')}
                          onChange={(e) => {
                            const priority = PRIORITIES.find((p) => p === e.target.value)
                            if (priority) change(row.key, { priority })
                          }}
                        >
                          {PRIORITIES.map((p) => (
                            <option key={p} value={p}>
                              {PRIORITY_LABEL[p]}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <input
                          type="number"
                          min={1}
                          inputMode="numeric"
                          aria-label={`${name}: first response target in minutes`}
                          placeholder="none"
                          value={row.firstResponse}
                          aria-invalid={invalid(index, 'firstResponseMinutes')}
                          onChange={(e) => change(row.key, { firstResponse: e.target.value })}
                        />
                      </td>
                      <td>
                        <input
                          type="number"
                          min={1}
                          inputMode="numeric"
                          aria-label={`${name}: resolution target in minutes`}
                          placeholder="none"
                          value={row.resolution}
                          aria-invalid={invalid(index, 'resolutionMinutes')}
                          onChange={(e) => change(row.key, { resolution: e.target.value })}
                        />
                      </td>
                      <td>
                        <select
                          aria-label={`${name}: counts`}
                          value={row.businessHours ? 'business' : 'wall'}
                          onChange={(e) =>
                            change(row.key, { businessHours: e.target.value === 'business' })
                          }
                        >
                          <option value="business">Business hours</option>
                          <option value="wall">Around the clock</option>
                        </select>
                      </td>
                      <td>
                        <input
                          type="number"
                          min={1}
                          max={99}
                          inputMode="numeric"
                          aria-label={`${name}: at risk at percent of the target`}
                          value={row.atRisk}
                          aria-invalid={invalid(index, 'atRiskPercent')}
                          onChange={(e) => change(row.key, { atRisk: e.target.value })}
                        />
                      </td>
                      {canEdit && (
                        <td>
                          <button
                            type="button"
                            className="secondary small"
                            aria-label={`Remove policy ${index + 1}`}
                            onClick={() => {
                              setRows((all) => all.filter((r) => r.key !== row.key))
                              setDirty(true)
                            }}
                          >
                            Remove
                          </button>
                        </td>
                      )}
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        </fieldset>
      )}
      <p className="muted small" id={`${uid}-hint`}>
        Targets run from when the ticket was opened: the first response until staff first reply, the
        resolution until it is resolved. An inbox&apos;s own policy wins over the one for every
        inbox. At the at-risk point the assignee (or the inbox admins) gets an amber warning.
      </p>
      {error && (
        <p role="alert" className="error">
          {error.text}
        </p>
      )}
      {canEdit && (
        <div className="form-actions">
          <button
            type="button"
            className="secondary"
            disabled={saving}
            onClick={() => {
              setRows((all) => [...all, blankRow()])
              setDirty(true)
            }}
          >
            Add policy
          </button>
          <button type="submit" disabled={!dirty || saving}>
            Save SLA policies
          </button>
        </div>
      )}
    </form>
  )
}
