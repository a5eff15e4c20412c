import type { BusinessCalendar, EscalationRule, InboxDto } from '@flare/protocol'
import { useState } from 'react'
import { setRuleEnabled } from './automation-actions.js'
import { RuleForm } from './RuleForm.js'
import { type Directory, describeTarget, formatMinutes } from './targets.js'

/** The phone preset of SPEC §6.5 is a rule in a chain of its own, edited with its inbox. */
function isPhonePreset(rule: EscalationRule): boolean {
  return rule.chain.startsWith('phone:')
}

function summary(rule: EscalationRule, directory: Directory): string {
  const unit = rule.businessHoursOnly ? 'business min' : 'min'
  const after = `${formatMinutes(rule.escalateAfterMinutes)}${rule.businessHoursOnly ? ' (business)' : ''}`
  const repeat = rule.repeatEveryMinutes ? `, repeats every ${rule.repeatEveryMinutes} ${unit}` : ''
  return `After ${after} → ${describeTarget(rule, directory)}${repeat}`
}

/** The rules list with its detail pane (seed 002): add, edit, switch on and off, delete. */
export function RulesPanel({
  rules,
  directory,
  inboxes,
  spaceCalendar,
  spaceTimezone,
  canEdit,
  now,
}: {
  rules: EscalationRule[]
  directory: Directory
  inboxes: InboxDto[]
  spaceCalendar: BusinessCalendar | null
  spaceTimezone: string
  canEdit: boolean
  now: Date
}) {
  const [selected, setSelected] = useState<string | 'new' | null>(null)
  const [toggling, setToggling] = useState<string | null>(null)
  const rule = selected && selected !== 'new' ? rules.find((r) => r.id === selected) : undefined
  const sorted = [...rules].sort(
    (a, b) =>
      Number(isPhonePreset(a)) - Number(isPhonePreset(b)) ||
      a.escalateAfterMinutes - b.escalateAfterMinutes ||
      a.name.localeCompare(b.name),
  )
  const inboxName = (id: string | null) =>
    id ? (inboxes.find((i) => i.id === id)?.name ?? 'An inbox') : 'Every inbox'

  return (
    <div className="rules-layout">
      <div className="rule-list-pane">
        <div className="pane-head">
          <h3>Rules</h3>
          {canEdit && (
            <button type="button" className="small" onClick={() => setSelected('new')}>
              Add rule
            </button>
          )}
        </div>
        {sorted.length === 0 ? (
          <p className="muted">No rules yet: tickets never escalate by themselves.</p>
        ) : (
          <ul className="rule-list" aria-label="Escalation rules">
            {sorted.map((r) => (
              <li key={r.id} className={r.id === selected ? 'rule-item selected' : 'rule-item'}>
                <button
                  type="button"
                  className="rule-open"
                  aria-current={r.id === selected ? 'true' : undefined}
                  onClick={() => setSelected(r.id)}
                >
                  <span className="rule-name">
                    {r.name}
                    {!r.enabled && <span className="tag tag-off">Off</span>}
                  </span>
                  <span className="muted small">
                    {inboxName(r.inboxId)} · {r.priority === 'all' ? 'any priority' : r.priority}
                  </span>
                  <span className="muted small">{summary(r, directory)}</span>
                </button>
                <label
                  className="switch small"
                  title={isPhonePreset(r) ? 'Set in the inbox section' : undefined}
                >
                  <input
                    type="checkbox"
                    role="switch"
                    aria-checked={r.enabled}
                    checked={r.enabled}
                    disabled={!canEdit || isPhonePreset(r) || toggling === r.id}
                    aria-label={`${r.name} enabled`}
                    onChange={async (e) => {
                      setToggling(r.id)
                      await setRuleEnabled(r, e.target.checked)
                      setToggling(null)
                    }}
                  />
                  <span aria-hidden="true">{r.enabled ? 'On' : 'Off'}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="rule-detail-pane">
        {selected === 'new' || rule ? (
          rule && isPhonePreset(rule) ? (
            <div className="settings-form">
              <h3>Rule: {rule.name}</h3>
              <p>{summary(rule, directory)}</p>
              <p className="muted">
                This is the “Escalation to a phone” preset of {inboxName(rule.inboxId)}. Change it
                in that inbox’s section below.
              </p>
            </div>
          ) : (
            <RuleForm
              key={selected ?? 'none'}
              rule={rule ?? null}
              directory={directory}
              inboxes={inboxes}
              spaceCalendar={spaceCalendar}
              spaceTimezone={spaceTimezone}
              canEdit={canEdit}
              now={now}
              onSaved={(saved) => setSelected(saved.id)}
              onDeleted={() => setSelected(null)}
              onCancel={() => setSelected(null)}
            />
          )
        ) : (
          <p className="muted empty-detail">
            {canEdit
              ? 'Choose a rule to see or change it, or add one.'
              : 'Choose a rule to see it.'}
          </p>
        )}
      </div>
    </div>
  )
}
