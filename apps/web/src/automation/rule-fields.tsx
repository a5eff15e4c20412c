import type { ReactNode } from 'react'
import type { RuleDraft } from './rule-draft.js'

// The rule form's inputs: each labelled, with its hint and its error tied to it for screen readers.

/** A labelled input; `children` renders the control with the ids and states it needs. */
export function Field({
  label,
  error,
  hint,
  children,
  id,
}: {
  label: string
  error?: string
  hint?: ReactNode
  children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode
  id: string
}) {
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null]
    .filter(Boolean)
    .join(' ')
  return (
    <div className="stacked">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(error ? { 'aria-invalid': true as const } : {}),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      })}
      {hint && (
        <span id={`${id}-hint`} className="muted small">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  )
}

type FlagField = 'enabled' | 'businessHoursOnly' | 'addInternalNote'

/** A checkbox for one of the rule's on/off fields. */
export function Flag({
  draft,
  field,
  label,
  onChange,
}: {
  draft: RuleDraft
  field: FlagField
  label: string
  onChange(change: Partial<RuleDraft>): void
}) {
  return (
    <label className="switch">
      <input
        type="checkbox"
        checked={draft[field]}
        onChange={(e) => onChange({ [field]: e.target.checked })}
      />
      {label}
    </label>
  )
}

/** A labelled number of minutes, as typed. */
export function MinutesField({
  id,
  label,
  error,
  hint,
  value,
  onChange,
}: {
  id: string
  label: string
  error?: string
  hint?: string
  value: string
  onChange(value: string): void
}) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      {(p) => (
        <input
          {...p}
          type="number"
          min={1}
          step={1}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  )
}

/** A labelled select of `[value, text]` options, with its error. */
export function SelectField<T extends string>({
  id,
  label,
  error,
  hint,
  value,
  options,
  onChange,
}: {
  id: string
  label: string
  error?: string
  hint?: string
  value: T
  options: ReadonlyArray<readonly [T | '', string]>
  onChange(value: T): void
}) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value as T)}>
          {options.map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}

/** The `<option>`s of a closed set, each with its label. */
export function Options<T extends string>({
  values,
  labels,
}: {
  values: readonly T[]
  labels: Record<T, string>
}) {
  return values.map((v) => (
    <option key={v} value={v}>
      {labels[v]}
    </option>
  ))
}
