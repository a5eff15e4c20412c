import {
  type ApiError,
  type BusinessCalendar,
  ESCALATION_TARGETS,
  type EscalationRule,
  type EscalationRuleCreate,
  type EscalationTarget,
  type InboxDto,
  NOTIFICATION_CHANNELS,
  RULE_PRIORITIES,
  TARGET_REQUIRED_FIELD,
  validateRuleInput,
} from '@flare/protocol'
import { findUnknownTemplateVariables, NOTE_TEMPLATE_VARIABLES } from '@flare/rules'
import { useEffect, useId, useRef, useState } from 'react'
import { createRule, deleteRule, updateRule } from './automation-actions.js'
import { ConditionsEditor } from './ConditionsEditor.js'
import { ConfirmDialog } from './ConfirmDialog.js'
import { errorAt, type FieldErrors, fieldErrorsOf, friendlyMessage } from './field-errors.js'
import { RulePreview } from './RulePreview.js'
import { bodyOfDraft, draftOfRule, newRuleDraft, type RuleDraft } from './rule-draft.js'
import { Field, Flag, MinutesField, SelectField } from './rule-fields.js'
import { CHANNEL_LABEL, RULE_FIELD_LABEL, RULE_PRIORITY_TEXT } from './settings-words.js'
import { type Directory, describeTarget, TARGET_LABEL } from './targets.js'

type DetailTarget = keyof typeof TARGET_REQUIRED_FIELD

/** How each target that needs one asks for its own field (`escalateToTeamId` for a team…). */
const TARGET_DETAIL: Record<DetailTarget, { label: string; choose?: string; hint?: string }> = {
  team: { label: 'Team', choose: 'Choose a team' },
  specific_user: { label: 'Person', choose: 'Choose a person' },
  rotation: { label: 'Rotation', choose: 'Choose a rotation' },
  email: { label: 'Email address' },
  phone: { label: 'Phone number', hint: 'With the country code, e.g. +14155550100.' },
}

function choicesFor(target: DetailTarget, directory: Directory): Array<[string, string]> | null {
  if (target === 'team') return directory.groups.map((g) => [g.id, `${g.name} (@${g.handle})`])
  if (target === 'specific_user') return directory.members.map((m) => [m.userId, m.displayName])
  if (target === 'rotation') return directory.rotations.map((r) => [r.id, r.name])
  return null
}

type DetailField = (typeof TARGET_REQUIRED_FIELD)[DetailTarget]

/**
 * The chosen target's own field: a team, person or rotation of the space, or an address. For
 * the rule's target (`at` '') or its fallback (`at` 'fallback.'), whose errors are named so.
 */
function TargetDetail({
  uid,
  target,
  values,
  at,
  directory,
  errors,
  onChange,
}: {
  uid: string
  target: EscalationTarget | ''
  values: Record<DetailField, string>
  at: '' | 'fallback.'
  directory: Directory
  errors: FieldErrors
  onChange(field: DetailField, value: string): void
}) {
  if (target === '' || !Object.hasOwn(TARGET_REQUIRED_FIELD, target)) return null
  const detail = target as DetailTarget
  const field = TARGET_REQUIRED_FIELD[detail]
  const { label, choose, hint } = TARGET_DETAIL[detail]
  const choices = choicesFor(detail, directory)
  const empty = detail === 'rotation' && choices?.length === 0
  const id = `${uid}-${at}${field}`
  const error = errorAt(errors, `${at}${field}`)
  const shown = at ? `Fallback: ${label.toLowerCase()}` : label
  if (choices) {
    return (
      <SelectField
        id={id}
        label={shown}
        error={error}
        hint={empty ? 'No rotations yet: add one below.' : hint}
        value={values[field]}
        options={[['', choose ?? ''], ...choices]}
        onChange={(value) => onChange(field, value)}
      />
    )
  }
  return (
    <Field id={id} label={shown} error={error} hint={hint}>
      {(p) => (
        <input
          {...p}
          type={detail === 'email' ? 'email' : 'tel'}
          value={values[field]}
          onChange={(e) => onChange(field, e.target.value)}
        />
      )}
    </Field>
  )
}

/**
 * A rule's detail pane: every field of SPEC §6.1, checked in the browser with the server's
 * own validator before saving, and a live preview of when it would fire.
 */
export function RuleForm({
  rule,
  directory,
  inboxes,
  spaceCalendar,
  spaceTimezone,
  canEdit,
  now,
  onSaved,
  onDeleted,
  onCancel,
}: {
  /** null: a new rule */
  rule: EscalationRule | null
  directory: Directory
  inboxes: InboxDto[]
  spaceCalendar: BusinessCalendar | null
  spaceTimezone: string
  canEdit: boolean
  now: Date
  onSaved(rule: EscalationRule): void
  onDeleted(): void
  onCancel(): void
}) {
  const uid = useId()
  const [draft, setDraft] = useState<RuleDraft>(() => (rule ? draftOfRule(rule) : newRuleDraft()))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [problem, setProblem] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [saved, setSaved] = useState(false)
  // bumped by each refused save: the effect below then takes the person to what to fix
  const [refusals, setRefusals] = useState(0)
  const formRef = useRef<HTMLFormElement>(null)

  useEffect(() => {
    if (refusals > 0 && formRef.current) showFirstInvalid(formRef.current)
  }, [refusals])

  function change(next: Partial<RuleDraft>) {
    setDraft((d) => ({ ...d, ...next }))
    setSaved(false)
    // a field's error goes once it is edited; the others stay until the next save
    setErrors((e) => {
      const keys = Object.keys(next)
      return Object.fromEntries(
        Object.entries(e).filter(
          ([field]) => !keys.some((k) => field === k || field.startsWith(`${k}.`)),
        ),
      )
    })
  }

  const unknownVariables = draft.addInternalNote
    ? findUnknownTemplateVariables(draft.internalNoteTemplate, NOTE_TEMPLATE_VARIABLES)
    : []
  const inbox = inboxes.find((i) => i.id === draft.inboxId) ?? null
  const calendar = inbox?.calendar ?? spaceCalendar
  const calendarName = inbox?.calendar ? `${inbox.name}'s hours` : "the space's hours"
  const threshold =
    draft.escalateAfterMinutes.trim() === '' ? undefined : Number(draft.escalateAfterMinutes)
  const repeat =
    draft.repeatEveryMinutes.trim() === '' ? undefined : Number(draft.repeatEveryMinutes)

  async function save() {
    setProblem(null)
    const body = bodyOfDraft(draft)
    const checked = validateRuleInput(body)
    if (!checked.ok) {
      setErrors(fieldErrorsOf(withChannelWording(checked.error)))
      setRefusals((n) => n + 1)
      return
    }
    if (unknownVariables.length > 0) {
      setErrors({ internalNoteTemplate: unknownText(unknownVariables) })
      setRefusals((n) => n + 1)
      return
    }
    setSaving(true)
    const result = rule
      ? await updateRule(rule.id, checked.value)
      : await createRule(checked.value as EscalationRuleCreate)
    setSaving(false)
    if ('problem' in result) {
      if (result.problem.field) {
        setErrors(fieldErrorsOf(result.problem))
        setRefusals((n) => n + 1)
      } else setProblem(result.problem.message)
      return
    }
    setErrors({})
    setSaved(true)
    onSaved(result.rule)
  }

  const err = (field: string) => errorAt(errors, field)
  const unplaced = Object.entries(errors).find(([field]) => labelOfField(field) === null)
  const placed = Object.keys(errors).filter((field) => labelOfField(field) !== null)
  // the fallback's own team, person… shows its error under its own field, not here as well
  const fallbackError = Object.entries(errors).find(
    ([field]) =>
      (field === 'fallback' || field.startsWith('fallback.')) && !isFallbackDetail(field),
  )?.[1]
  const heading = rule ? `Rule: ${rule.name}` : 'New rule'

  return (
    <form
      ref={formRef}
      className="settings-form rule-form"
      aria-label={heading}
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <h3>{heading}</h3>
      <RulePreview
        rule={{
          enabled: draft.enabled,
          clock: draft.clock,
          escalateAfterMinutes: threshold,
          repeatEveryMinutes: repeat,
          businessHoursOnly: draft.businessHoursOnly,
          trigger: draft.conditions.some((c) => c.field === 'trigger'),
        }}
        target={describeTarget(draft, directory)}
        calendar={calendar}
        calendarName={calendarName}
        timezone={spaceTimezone}
        now={now}
      />
      <fieldset className="plain" disabled={!canEdit || saving}>
        <Field id={`${uid}-name`} label="Name" error={err('name')}>
          {(p) => (
            <input
              {...p}
              type="text"
              maxLength={120}
              value={draft.name}
              onChange={(e) => change({ name: e.target.value })}
            />
          )}
        </Field>
        <Field id={`${uid}-description`} label="Description (optional)" error={err('description')}>
          {(p) => (
            <textarea
              {...p}
              rows={2}
              maxLength={1000}
              value={draft.description}
              onChange={(e) => change({ description: e.target.value })}
            />
          )}
        </Field>
        <Flag draft={draft} field="enabled" label="Enabled" onChange={change} />
        <div className="form-grid">
          <SelectField
            id={`${uid}-inbox`}
            label="Inbox"
            error={err('inboxId')}
            value={draft.inboxId}
            options={[['', 'Every inbox'], ...inboxes.map((i) => [i.id, i.name] as const)]}
            onChange={(inboxId) => change({ inboxId })}
          />
          <SelectField
            id={`${uid}-priority`}
            label="Ticket priority"
            error={err('priority')}
            value={draft.priority}
            options={RULE_PRIORITIES.map((x) => [x, RULE_PRIORITY_TEXT[x]] as const)}
            onChange={(priority) => change({ priority })}
          />
        </div>
        <ConditionsEditor
          uid={uid}
          conditions={draft.conditions}
          errors={errors}
          onChange={(conditions) => change({ conditions })}
        />
        <fieldset className="radios">
          <legend>Clock</legend>
          <label className="radio">
            <input
              type="radio"
              name={`${uid}-clock`}
              checked={draft.clock === 'waiting'}
              onChange={() => change({ clock: 'waiting' })}
            />
            Waiting on staff (from the first unanswered customer message)
          </label>
          <label className="radio">
            <input
              type="radio"
              name={`${uid}-clock`}
              checked={draft.clock === 'age'}
              onChange={() => change({ clock: 'age' })}
            />
            Ticket age (from when it opened)
          </label>
        </fieldset>
        <div className="form-grid">
          <MinutesField
            id={`${uid}-threshold`}
            label={draft.businessHoursOnly ? 'Threshold (business minutes)' : 'Threshold (minutes)'}
            error={err('escalateAfterMinutes')}
            value={draft.escalateAfterMinutes}
            onChange={(escalateAfterMinutes) => change({ escalateAfterMinutes })}
          />
          <MinutesField
            id={`${uid}-repeat`}
            label="Repeat every (minutes)"
            error={err('repeatEveryMinutes')}
            hint="Empty: fire once."
            value={draft.repeatEveryMinutes}
            onChange={(repeatEveryMinutes) => change({ repeatEveryMinutes })}
          />
        </div>
        <Flag
          draft={draft}
          field="businessHoursOnly"
          label="Count business hours only"
          onChange={change}
        />
        <div className="form-grid">
          <SelectField
            id={`${uid}-target`}
            label="Escalate to"
            error={err('escalateTo')}
            value={draft.escalateTo}
            options={ESCALATION_TARGETS.map((t) => [t, TARGET_LABEL[t]] as const)}
            onChange={(escalateTo) => change({ escalateTo })}
          />
          <TargetDetail
            uid={uid}
            target={draft.escalateTo}
            values={draft}
            at=""
            directory={directory}
            errors={errors}
            onChange={(field, value) => change({ [field]: value })}
          />
        </div>
        <fieldset className="plain">
          <legend>If nobody says “I’m on it”</legend>
          <div className="form-grid">
            <MinutesField
              id={`${uid}-acknowledge`}
              label="Acknowledge within (minutes)"
              error={err('acknowledgeWithinMinutes')}
              hint="Empty: no deadline. Else, taken by nobody in time, it climbs at once to the next level of its chain."
              value={draft.acknowledgeWithinMinutes}
              onChange={(acknowledgeWithinMinutes) => change({ acknowledgeWithinMinutes })}
            />
            <SelectField
              id={`${uid}-fallback`}
              label="With no next level, go to"
              error={fallbackError}
              hint="Once, when the top level of the chain goes unacknowledged."
              value={draft.fallback.escalateTo}
              options={[
                ['', 'Nobody more'],
                ...ESCALATION_TARGETS.map((t) => [t, TARGET_LABEL[t]] as const),
              ]}
              onChange={(escalateTo) => change({ fallback: { ...draft.fallback, escalateTo } })}
            />
            <TargetDetail
              uid={uid}
              target={draft.fallback.escalateTo}
              values={draft.fallback}
              at="fallback."
              directory={directory}
              errors={errors}
              onChange={(field, value) =>
                change({ fallback: { ...draft.fallback, [field]: value } })
              }
            />
          </div>
        </fieldset>
        <fieldset
          className="channels"
          aria-describedby={err('notificationChannels') ? `${uid}-channels-error` : undefined}
        >
          <legend>Channels</legend>
          {NOTIFICATION_CHANNELS.map((c) => (
            <label key={c} className="day-check">
              <input
                type="checkbox"
                checked={draft.notificationChannels.includes(c)}
                onChange={(e) =>
                  change({
                    notificationChannels: e.target.checked
                      ? [...draft.notificationChannels, c]
                      : draft.notificationChannels.filter((x) => x !== c),
                  })
                }
              />
              {CHANNEL_LABEL[c]}
            </label>
          ))}
          {err('notificationChannels') && (
            <span id={`${uid}-channels-error`} className="field-error" role="alert">
              {err('notificationChannels')}
            </span>
          )}
        </fieldset>
        <Flag
          draft={draft}
          field="addInternalNote"
          label="Add an internal note when it fires"
          onChange={change}
        />
        {draft.addInternalNote && (
          <Field
            id={`${uid}-note`}
            label="Internal note"
            error={
              err('internalNoteTemplate') ??
              (unknownVariables.length > 0 ? unknownText(unknownVariables) : undefined)
            }
            hint={`Variables: ${NOTE_TEMPLATE_VARIABLES.map((v) => `{${v}}`).join(
              ' ',
            )}. Empty: a standard note.`}
          >
            {(p) => (
              <textarea
                {...p}
                rows={2}
                maxLength={1000}
                value={draft.internalNoteTemplate}
                onChange={(e) => change({ internalNoteTemplate: e.target.value })}
              />
            )}
          </Field>
        )}
      </fieldset>
      {placed.length > 0 && (
        // beside the button that was pressed: the field itself may be a screen further up
        <p className="form-summary">
          Not saved.{' '}
          {placed.length === 1
            ? 'Fix the field marked above: '
            : `Fix the ${placed.length} fields marked above, first `}
          <button
            type="button"
            className="link-button"
            onClick={() => formRef.current && showFirstInvalid(formRef.current)}
          >
            {labelOfField(placed[0] ?? '')}
          </button>
        </p>
      )}
      {unplaced && (
        <p role="alert" className="error">
          {unplaced[1]}
        </p>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {saved && (
        <p role="status" className="muted">
          Saved.
        </p>
      )}
      {canEdit && (
        <div className="form-actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : rule ? 'Save rule' : 'Add rule'}
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            {rule ? 'Close' : 'Cancel'}
          </button>
          {rule && (
            <button type="button" className="danger-outline" onClick={() => setConfirming(true)}>
              Delete…
            </button>
          )}
        </div>
      )}
      {confirming && rule && (
        <ConfirmDialog
          title={`Delete the rule “${rule.name}”?`}
          confirmLabel="Delete rule"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            const failure = await deleteRule(rule)
            if (failure) return failure.message
            setConfirming(false)
            onDeleted()
            return null
          }}
        >
          <p>Tickets stop escalating by this rule at once. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </form>
  )
}

/** `fallback.escalateToUserId` and the like: asked for by the fallback's `TargetDetail`. */
function isFallbackDetail(field: string): boolean {
  return Object.values(TARGET_REQUIRED_FIELD).some((f) => field === `fallback.${f}`)
}

/** The label of the field an error belongs to (`conditions.0.value` is Conditions), or null. */
function labelOfField(field: string): string | null {
  if (field === 'fallback' || field.startsWith('fallback.')) {
    // the fallback's own team, person… is asked for under its own label; the rest of it sits
    // under the fallback's select
    const own = field.slice('fallback.'.length)
    const label = isFallbackDetail(field) ? RULE_FIELD_LABEL[own] : undefined
    return label ? `Fallback: ${label.toLowerCase()}` : (RULE_FIELD_LABEL.fallback ?? null)
  }
  const known = Object.keys(RULE_FIELD_LABEL).find((f) => field === f || field.startsWith(`${f}.`))
  return known ? (RULE_FIELD_LABEL[known] ?? null) : null
}

/**
 * Takes the person to the first field marked with an error: focus on its control (so a screen
 * reader reads the label and the error tied to it) and the whole field, label to error, on
 * screen.
 */
function showFirstInvalid(form: HTMLFormElement): void {
  const error = form.querySelector('.field-error')
  const holder = error?.closest<HTMLElement>('.stacked, .condition-row, fieldset')
  if (!holder) return
  const control =
    holder.querySelector<HTMLElement>('[aria-invalid="true"]') ??
    holder.querySelector<HTMLElement>('input, select, textarea')
  control?.focus({ preventScroll: true })
  // jsdom has no scrollIntoView
  holder.scrollIntoView?.({ block: 'center' })
}

function unknownText(names: string[]): string {
  return `Unknown variable${names.length > 1 ? 's' : ''}: ${names.map((n) => `{${n}}`).join(', ')}.`
}

const TARGET_MISSING: Record<string, string> = {
  escalateToTeamId: 'Choose a team.',
  escalateToUserId: 'Choose a person.',
  escalateToRotationId: 'Choose a rotation.',
  recipientEmail: 'Enter an email address.',
  recipientPhone: 'Enter a phone number.',
}

/** The validator's wording where a person would say it differently. */
function withChannelWording(error: ApiError): ApiError {
  const field = error.field ?? ''
  if (field === 'notificationChannels') return { ...error, message: 'Choose at least one channel.' }
  const own = field.startsWith('fallback.') ? field.slice('fallback.'.length) : field
  if (TARGET_MISSING[own] && error.message.includes('required when')) {
    return { ...error, message: TARGET_MISSING[own] }
  }
  if (field === 'fallback' && error.message.includes('acknowledgeWithinMinutes')) {
    return { ...error, message: 'A fallback needs “Acknowledge within” minutes.' }
  }
  return { ...error, message: friendlyMessage(error) }
}
