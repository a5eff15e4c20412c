import {
  type BusinessCalendar,
  type InboxDto,
  InboxPhoneEscalation,
  type InboxTriggersResponse,
  parse,
} from '@flare/protocol'
import { useId, useState } from 'react'
import type { Loadable } from '../store/index.js'
import { saveInboxCalendar, saveInboxPhone } from './automation-actions.js'
import { BusinessHoursEditor } from './BusinessHoursEditor.js'
import { friendlyMessage } from './field-errors.js'
import { TriggerSettingsForm } from './TriggerSettings.js'

const DEFAULT_PHONE: InboxPhoneEscalation = { enabled: false, phone: '', minutes: 5 }

/** SPEC §6.5: forward an unanswered customer message by SMS to a phone after some minutes. */
export function PhoneEscalationForm({
  inbox,
  saved,
  canEdit,
}: {
  inbox: InboxDto
  saved: InboxPhoneEscalation | null
  canEdit: boolean
}) {
  const uid = useId()
  const initial = saved ?? DEFAULT_PHONE
  const [enabled, setEnabled] = useState(initial.enabled)
  const [phone, setPhone] = useState(initial.phone)
  const [minutes, setMinutes] = useState(String(initial.minutes))
  const [error, setError] = useState<{ field: string; message: string } | null>(null)
  const [saving, setSaving] = useState(false)
  const [base, setBase] = useState(saved)
  if (base !== saved) {
    setBase(saved)
    setEnabled((saved ?? DEFAULT_PHONE).enabled)
    setPhone((saved ?? DEFAULT_PHONE).phone)
    setMinutes(String((saved ?? DEFAULT_PHONE).minutes))
  }
  const dirty =
    enabled !== initial.enabled || phone !== initial.phone || minutes !== String(initial.minutes)

  async function save() {
    const body = { enabled, phone: phone.trim(), minutes: Number(minutes) }
    const checked = parse(InboxPhoneEscalation, body)
    if (!checked.ok) {
      setError({ field: checked.error.field ?? '', message: friendlyMessage(checked.error) })
      return
    }
    setSaving(true)
    const problem = await saveInboxPhone(inbox.id, checked.value)
    setSaving(false)
    setError(problem ? { field: problem.field ?? '', message: friendlyMessage(problem) } : null)
  }

  const errorFor = (field: string) => (error?.field === field ? error.message : undefined)
  return (
    <form
      className="settings-form phone-form"
      aria-label={`Escalation to a phone for ${inbox.name}`}
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <h4>Escalation to a phone</h4>
      <p className="muted small">
        When a customer message stays unanswered this long, it is forwarded by SMS
        {inbox.channelAddress ? ` from ${inbox.channelAddress}` : ''} with the customer’s name, an
        excerpt and a link. Replies come back to the inbox, not to the customer.
      </p>
      <fieldset className="plain" disabled={!canEdit || saving}>
        <label className="switch">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          Forward unanswered messages to a phone
        </label>
        <div className="form-grid">
          <div className="stacked">
            <label htmlFor={`${uid}-phone`}>Cell phone number</label>
            <input
              id={`${uid}-phone`}
              type="tel"
              value={phone}
              placeholder="+14155550100"
              aria-invalid={errorFor('phone') ? true : undefined}
              aria-describedby={errorFor('phone') ? `${uid}-phone-error` : undefined}
              onChange={(e) => setPhone(e.target.value)}
            />
            {errorFor('phone') && (
              <span id={`${uid}-phone-error`} className="field-error" role="alert">
                {errorFor('phone')}
              </span>
            )}
          </div>
          <div className="stacked">
            <label htmlFor={`${uid}-minutes`}>After (minutes)</label>
            <input
              id={`${uid}-minutes`}
              type="number"
              min={1}
              step={1}
              list={`${uid}-minute-presets`}
              value={minutes}
              aria-invalid={errorFor('minutes') ? true : undefined}
              aria-describedby={errorFor('minutes') ? `${uid}-minutes-error` : undefined}
              onChange={(e) => setMinutes(e.target.value)}
            />
            <datalist id={`${uid}-minute-presets`}>
              <option value="1" />
              <option value="5" />
              <option value="10" />
            </datalist>
            {errorFor('minutes') && (
              <span id={`${uid}-minutes-error`} className="field-error" role="alert">
                {errorFor('minutes')}
              </span>
            )}
          </div>
        </div>
      </fieldset>
      {error && !['phone', 'minutes'].includes(error.field) && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {canEdit && (
        <div className="form-actions">
          <button type="submit" disabled={!dirty || saving}>
            Save
          </button>
        </div>
      )}
    </form>
  )
}

/** One inbox's part of the settings: its own business hours, its phone preset, its triggers. */
export function InboxSettings({
  inbox,
  phone,
  triggers,
  spaceCalendar,
  canEdit,
}: {
  inbox: InboxDto
  phone: Loadable<InboxPhoneEscalation | null> | undefined
  triggers: Loadable<InboxTriggersResponse> | undefined
  spaceCalendar: BusinessCalendar | null
  canEdit: boolean
}) {
  const [ownHours, setOwnHours] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const headingId = useId()
  return (
    <section className="settings-card inbox-settings" aria-labelledby={headingId}>
      <h3 id={headingId}>{inbox.name}</h3>
      <h4>Business hours</h4>
      {inbox.calendar ? (
        <>
          <BusinessHoursEditor
            title={`Business hours of ${inbox.name}`}
            saved={inbox.calendar}
            canEdit={canEdit}
            onSave={(calendar) => saveInboxCalendar(inbox.id, calendar)}
          />
          {canEdit && (
            <button
              type="button"
              className="secondary small"
              onClick={async () => {
                const problem = await saveInboxCalendar(inbox.id, null)
                setError(problem?.message ?? null)
                setOwnHours(false)
              }}
            >
              Use the space’s hours instead
            </button>
          )}
        </>
      ) : ownHours && spaceCalendar ? (
        <BusinessHoursEditor
          title={`Business hours of ${inbox.name}`}
          saved={spaceCalendar}
          startDirty
          canEdit={canEdit}
          onSave={(calendar) => saveInboxCalendar(inbox.id, calendar)}
        />
      ) : (
        <p className="muted">
          Follows the space’s business hours.{' '}
          {canEdit && (
            <button type="button" className="secondary small" onClick={() => setOwnHours(true)}>
              Give {inbox.name} its own hours
            </button>
          )}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!phone || phone.status === 'loading' || phone.status === 'idle' ? (
        <p className="muted" aria-busy="true">
          Loading the phone escalation…
        </p>
      ) : phone.status === 'error' ? (
        <p role="alert" className="error">
          {phone.message}
        </p>
      ) : (
        <PhoneEscalationForm inbox={inbox} saved={phone.value} canEdit={canEdit} />
      )}
      {!triggers || triggers.status === 'loading' || triggers.status === 'idle' ? (
        <p className="muted" aria-busy="true">
          Loading the instant triggers…
        </p>
      ) : triggers.status === 'error' ? (
        <p role="alert" className="error">
          {triggers.message}
        </p>
      ) : (
        <TriggerSettingsForm inbox={inbox} saved={triggers.value} canEdit={canEdit} />
      )}
    </section>
  )
}
