import {
  CONDITION_FIELDS,
  CONDITION_OPERATORS,
  type ConditionField,
  type ConditionOperator,
  TEXT_CONDITION_FIELDS,
  TRIGGER_KINDS,
  TRIGGER_LABEL,
} from '@flare/protocol'
import { errorAt, type FieldErrors } from './field-errors.js'
import type { ConditionDraft } from './rule-draft.js'
import { Options } from './rule-fields.js'
import { CONDITION_FIELD_LABEL, OPERATOR_LABEL } from './settings-words.js'

/** The conditions of a rule: all must hold. */
export function ConditionsEditor({
  conditions,
  errors,
  onChange,
  uid,
}: {
  conditions: ConditionDraft[]
  errors: FieldErrors
  onChange(next: ConditionDraft[]): void
  uid: string
}) {
  function set(index: number, change: Partial<ConditionDraft>) {
    onChange(conditions.map((c, i) => (i === index ? { ...c, ...change } : c)))
  }
  return (
    <fieldset className="conditions">
      <legend>Conditions (all must hold)</legend>
      {conditions.length === 0 && <p className="muted small">None: every ticket in scope.</p>}
      {conditions.some((c) => c.field === 'trigger') && (
        <p className="muted small">
          With an instant trigger condition the rule fires the moment the trigger happens, not by
          its clock.
        </p>
      )}
      {conditions.map((c, i) => {
        const error = errorAt(errors, `conditions.${i}`)
        const operators = CONDITION_OPERATORS.filter(
          (o) => o !== 'contains' || TEXT_CONDITION_FIELDS.includes(c.field),
        )
        const many = c.operator === 'in' || c.operator === 'not_in'
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place
          <div key={i} className="condition-row">
            <select
              aria-label={`Condition ${i + 1} field`}
              value={c.field}
              onChange={(e) => set(i, { field: e.target.value as ConditionField })}
            >
              <Options values={CONDITION_FIELDS} labels={CONDITION_FIELD_LABEL} />
            </select>
            <select
              aria-label={`Condition ${i + 1} operator`}
              value={c.operator}
              onChange={(e) => set(i, { operator: e.target.value as ConditionOperator })}
            >
              <Options values={operators} labels={OPERATOR_LABEL} />
            </select>
            {c.field === 'trigger' && !many ? (
              // SPEC §11.1: a rule with this condition fires when the trigger happens, at once
              <select
                aria-label={`Condition ${i + 1} value`}
                value={c.value}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${uid}-cond-${i}-error` : undefined}
                onChange={(e) => set(i, { value: e.target.value })}
              >
                {!TRIGGER_KINDS.some((kind) => kind === c.value) && (
                  <option value="">Choose…</option>
                )}
                <Options values={TRIGGER_KINDS} labels={TRIGGER_LABEL} />
              </select>
            ) : (
              <input
                type="text"
                aria-label={`Condition ${i + 1} value`}
                placeholder={
                  c.field === 'trigger'
                    ? TRIGGER_KINDS.join(', ')
                    : many
                      ? 'a, b, c'
                      : c.field === 'assignedToUserId'
                        ? 'empty = unassigned'
                        : ''
                }
                value={c.value}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${uid}-cond-${i}-error` : undefined}
                onChange={(e) => set(i, { value: e.target.value })}
              />
            )}
            <button
              type="button"
              className="secondary small"
              aria-label={`Remove condition ${i + 1}`}
              onClick={() => onChange(conditions.filter((_, j) => j !== i))}
            >
              Remove
            </button>
            {error && (
              <span id={`${uid}-cond-${i}-error`} className="field-error" role="alert">
                {error}
              </span>
            )}
          </div>
        )
      })}
      <button
        type="button"
        className="secondary small"
        onClick={() =>
          onChange([...conditions, { field: 'status', operator: 'equals', value: 'open' }])
        }
      >
        Add condition
      </button>
    </fieldset>
  )
}
