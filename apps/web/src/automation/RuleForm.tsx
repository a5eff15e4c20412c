import {
  type ApiError,
  type BusinessCalendar,
  ESCALATION_TARGETS,
  type EscalationRule,
  type EscalationRuleCreate,
  type InboxDto,
  NOTIFICATION_CHANNELS,
  type NotificationChannel,
  RULE_PRIORITIES,
  TARGET_REQUIRED_FIELD,
  validateRuleInput,
} from '@flare/protocol'
import { findUnknownTemplateVariables, NOTE_TEMPLATE_VARIABLES } from '@flare/rules'
import { useId, useState } from 'react'
import { createRule, deleteRule, updateRule } from './automation-actions.js'
import { ConditionsEditor } from './ConditionsEditor.js'
import { ConfirmDialog } from './ConfirmDialog.js'
import { errorAt, type FieldErrors, fieldErrorsOf, friendlyMessage } from './field-errors.js'
import { RulePreview } from './RulePreview.js'
import { bodyOfDraft, draftOfRule, newRuleDraft, type RuleDraft } from './rule-draft.js'
import { Field, Flag, MinutesField, SelectField } from './rule-fields.js'
import { type Directory, describeTarget, TARGET_LABEL } from './targets.js'

const PRIORITY_TEXT = {
  all: 'Every priority',
  urgent: 'Urgent',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
}
const CHANNEL_LABEL: Record<NotificationChannel, string> = {
  in_app: 'In-app pop-up',
  email: 'Email',
  sms: 'SMS',
  slack: 'Slack',
  webhook: 'Webhook',
  push: 'Push',
}
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

/** The chosen target's own field: a team, person or rotation of the space, or an address. */
function TargetDetail({
  uid,
  draft,
  directory,
  errors,
  onChange,
}: {
  uid: string
  draft: RuleDraft
  directory: Directory
  errors: FieldErrors
  onChange(change: Partial<RuleDraft>): void
}) {
  const target = draft.escalateTo
  if (!Object.hasOwn(TARGET_REQUIRED_FIELD, target)) return null
  const detail = target as DetailTarget
  const field = TARGET_REQUIRED_FIELD[detail]
  const { label, choose, hint } = TARGET_DETAIL[detail]
  const choices = choicesFor(detail, directory)
  const empty = detail === 'rotation' && choices?.length === 0
  const id = `${uid}-${field}`
  const error = errorAt(errors, field)
  if (choices) {
    return (
      <SelectField
        id={id}
        label={label}
        error={error}
        hint={empty ? 'No rotations yet: add one below.' : hint}
        value={draft[field]}
        options={[['', choose ?? ''], ...choices]}
        onChange={(value) => onChange({ [field]: value })}
      />
    )
  }
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      {(p) => (
        <input
          {...p}
          type={detail === 'email' ? 'email' : 'tel'}
          value={draft[field]}
          onChange={(e) => onChange({ [field]: e.target.value })}
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
      return
    }
    if (unknownVariables.length > 0) {
      setErrors({ internalNoteTemplate: unknownText(unknownVariables) })
      return
    }
    setSaving(true)
    const result = rule
      ? await updateRule(rule.id, checked.value)
      : await createRule(checked.value as EscalationRuleCreate)
    setSaving(false)
    if ('problem' in result) {
      if (result.problem.field) setErrors(fieldErrorsOf(result.problem))
      else setProblem(result.problem.message)
      return
    }
    setErrors({})
    setSaved(true)
    onSaved(result.rule)
  }

  const err = (field: string) => errorAt(errors, field)
  const unplaced = Object.entries(errors).find(
    ([field]) => !KNOWN_FIELDS.some((f) => field === f || field.startsWith(`${f}.`)),
  )
  const heading = rule ? `Rule: ${rule.name}` : 'New rule'

  return (
    <form
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
            options={RULE_PRIORITIES.map((x) => [x, PRIORITY_TEXT[x]] as const)}
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
            draft={draft}
            directory={directory}
            errors={errors}
            onChange={change}
          />
        </div>
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

const KNOWN_FIELDS = [
  'name',
  'description',
  'inboxId',
  'priority',
  'conditions',
  'escalateAfterMinutes',
  'repeatEveryMinutes',
  'escalateTo',
  'escalateToTeamId',
  'escalateToUserId',
  'escalateToRotationId',
  'recipientEmail',
  'recipientPhone',
  'notificationChannels',
  'internalNoteTemplate',
]

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
  if (TARGET_MISSING[field] && error.message.includes('required when')) {
    return { ...error, message: TARGET_MISSING[field] }
  }
  return { ...error, message: friendlyMessage(error) }
}
