import {
  type ApiError,
  type BusinessCalendar,
  validateCalendar,
  WEEKDAYS,
  type Weekday,
} from '@flare/protocol'
import { useId, useState } from 'react'
import {
  type CalendarDraft,
  draftOf,
  sameCalendar,
  switchMode,
  toCalendar,
  WEEKDAY_LABEL,
} from './calendar-draft.js'
import { errorAt, type FieldErrors, fieldErrorsOf } from './field-errors.js'
import { CALENDAR_MODES } from './settings-words.js'

let zones: string[] | null = null
function timezones(): string[] {
  zones ??= typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return zones
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null
  return (
    <span id={id} className="field-error" role="alert">
      {message}
    </span>
  )
}

function TimeField({
  label,
  value,
  onChange,
  invalid,
  describedBy,
}: {
  label: string
  value: string
  onChange(value: string): void
  invalid: boolean
  describedBy?: string
}) {
  return (
    <label className="time-field">
      <span>{label}</span>
      <input
        type="text"
        inputMode="numeric"
        placeholder="HH:MM"
        size={5}
        maxLength={5}
        value={value}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? describedBy : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  )
}

/**
 * A business calendar's form (SPEC §5): the three modes, the timezone, the working hours and
 * the holidays. Save stays disabled until something changes; what `validateCalendar` refuses
 * is shown at its field before anything is sent.
 */
export function BusinessHoursEditor({
  title,
  saved,
  canEdit,
  startDirty = false,
  onSave,
}: {
  title: string
  saved: BusinessCalendar
  canEdit: boolean
  /** A new calendar copied from another: saving it as it is is a change. */
  startDirty?: boolean
  onSave(calendar: BusinessCalendar): Promise<ApiError | null>
}) {
  const uid = useId()
  const [draft, setDraft] = useState<CalendarDraft>(() => draftOf(saved))
  const [base, setBase] = useState(saved)
  const [serverErrors, setServerErrors] = useState<FieldErrors>({})
  const [saving, setSaving] = useState(false)
  const [holiday, setHoliday] = useState('')
  // a calendar saved elsewhere (or reloaded) replaces the form when it has no changes of its own
  if (base !== saved) {
    setBase(saved)
    setDraft(draftOf(saved))
  }

  const calendar = toCalendar(draft)
  const dirty = startDirty || !sameCalendar(calendar, saved)
  const checked = validateCalendar(calendar)
  const errors: FieldErrors = dirty && !checked.ok ? fieldErrorsOf(checked.error) : serverErrors

  function change(next: CalendarDraft) {
    setDraft(next)
    setServerErrors({})
  }

  function setDayIntervals(day: Weekday, intervals: CalendarDraft['days'][Weekday]) {
    change({ ...draft, days: { ...draft.days, [day]: intervals } })
  }

  async function save() {
    if (!checked.ok) return
    setSaving(true)
    const problem = await onSave(checked.value)
    setSaving(false)
    setServerErrors(fieldErrorsOf(problem))
  }

  const err = (field: string) => errorAt(errors, field)
  const errId = (field: string) => `${uid}-err-${field}`
  const unplaced = Object.entries(errors).find(
    ([field]) =>
      !['timezone', 'workingDays', 'start', 'end', 'days', 'holidays'].some(
        (f) => field === f || field.startsWith(`${f}.`),
      ),
  )

  return (
    <form
      className="settings-form business-hours"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <fieldset className="plain" disabled={!canEdit || saving}>
        {canEdit ? (
          <fieldset className="mode-picker">
            <legend>Mode</legend>
            {CALENDAR_MODES.map((m) => (
              <label key={m.id} className="radio">
                <input
                  type="radio"
                  name={`${uid}-mode`}
                  value={m.id}
                  checked={draft.mode === m.id}
                  onChange={() => change(switchMode(draft, m.id))}
                />
                {m.label}
              </label>
            ))}
          </fieldset>
        ) : (
          <p className="read-only-mode">
            <strong>Mode:</strong> {CALENDAR_MODES.find((m) => m.id === draft.mode)?.label}
          </p>
        )}

        <label className="stacked">
          <span>Timezone</span>
          <input
            type="text"
            list={`${uid}-zones`}
            value={draft.timezone}
            autoComplete="off"
            aria-invalid={err('timezone') ? true : undefined}
            aria-describedby={
              err('timezone') ? errId('timezone') : canEdit ? `${uid}-tz-hint` : undefined
            }
            onChange={(e) => change({ ...draft, timezone: e.target.value })}
          />
          <datalist id={`${uid}-zones`}>
            {timezones().map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {canEdit && (
            <span id={`${uid}-tz-hint`} className="muted small">
              Type to search, e.g. “London” or “America/”.
            </span>
          )}
          <FieldError id={errId('timezone')} message={err('timezone')} />
        </label>

        {draft.mode === 'always' && (
          <p className="muted">
            Every minute counts, every day: tickets escalate around the clock.
          </p>
        )}

        {draft.mode === 'same' && (
          <>
            <fieldset className="days">
              <legend>Working days</legend>
              {WEEKDAYS.map((d) => (
                <label key={d} className="day-check">
                  <input
                    type="checkbox"
                    checked={draft.workingDays.includes(d)}
                    onChange={(e) =>
                      change({
                        ...draft,
                        workingDays: e.target.checked
                          ? [...draft.workingDays, d]
                          : draft.workingDays.filter((w) => w !== d),
                      })
                    }
                  />
                  <span title={WEEKDAY_LABEL[d]}>{WEEKDAY_LABEL[d].slice(0, 3)}</span>
                </label>
              ))}
              <FieldError id={errId('workingDays')} message={err('workingDays')} />
            </fieldset>
            <div className="interval">
              <TimeField
                label="From"
                value={draft.start}
                invalid={Boolean(err('start'))}
                describedBy={errId('start')}
                onChange={(start) => change({ ...draft, start })}
              />
              <TimeField
                label="To"
                value={draft.end}
                invalid={Boolean(err('end'))}
                describedBy={errId('end')}
                onChange={(end) => change({ ...draft, end })}
              />
            </div>
            <FieldError id={errId('start')} message={err('start')} />
            <FieldError id={errId('end')} message={err('end')} />
          </>
        )}

        {draft.mode === 'per-day' && (
          <fieldset className="per-day">
            <legend>Hours per day</legend>
            <FieldError id={errId('days')} message={errors.days} />
            {WEEKDAYS.map((d) => {
              const intervals = draft.days[d] ?? []
              const open = intervals.length > 0
              return (
                <div key={d} className="day-row">
                  <label className="day-check">
                    <input
                      type="checkbox"
                      checked={open}
                      onChange={(e) =>
                        setDayIntervals(
                          d,
                          e.target.checked ? [{ start: '09:00', end: '17:00' }] : [],
                        )
                      }
                    />
                    {WEEKDAY_LABEL[d]}
                  </label>
                  <div className="day-intervals">
                    {!open && <span className="muted small">Closed</span>}
                    {intervals.map((interval, i) => {
                      const field = `days.${d}.${i}`
                      const message = err(field)
                      return (
                        // biome-ignore lint/suspicious/noArrayIndexKey: intervals have no identity but their place
                        <div key={i} className="interval">
                          <TimeField
                            label={`${WEEKDAY_LABEL[d]} interval ${i + 1} from`}
                            value={interval.start}
                            invalid={Boolean(message)}
                            describedBy={errId(field)}
                            onChange={(start) =>
                              setDayIntervals(
                                d,
                                intervals.map((x, j) => (j === i ? { ...x, start } : x)),
                              )
                            }
                          />
                          <TimeField
                            label="to"
                            value={interval.end}
                            invalid={Boolean(message)}
                            describedBy={errId(field)}
                            onChange={(end) =>
                              setDayIntervals(
                                d,
                                intervals.map((x, j) => (j === i ? { ...x, end } : x)),
                              )
                            }
                          />
                          {canEdit && (
                            <button
                              type="button"
                              className="secondary small"
                              aria-label={`Remove ${WEEKDAY_LABEL[d]} interval ${i + 1}`}
                              onClick={() =>
                                setDayIntervals(
                                  d,
                                  intervals.filter((_, j) => j !== i),
                                )
                              }
                            >
                              Remove
                            </button>
                          )}
                          <FieldError id={errId(field)} message={message} />
                        </div>
                      )
                    })}
                    {open && canEdit && (
                      <button
                        type="button"
                        className="secondary small"
                        aria-label={`Add an interval on ${WEEKDAY_LABEL[d]}`}
                        onClick={() => {
                          const last = intervals[intervals.length - 1]
                          setDayIntervals(d, [
                            ...intervals,
                            { start: last?.end ?? '13:00', end: '18:00' },
                          ])
                        }}
                      >
                        Add interval
                      </button>
                    )}
                  </div>
                </div>
              )
            })}
          </fieldset>
        )}

        <fieldset className="holidays">
          <legend>Holidays</legend>
          {draft.mode === 'always' && draft.holidays.length > 0 && (
            <p className="muted small">Kept for later: holidays do not apply to 24 / 7.</p>
          )}
          {draft.holidays.length === 0 ? (
            <p className="muted small">No holidays.</p>
          ) : (
            <ul className="holiday-list">
              {[...draft.holidays].sort().map((date) => (
                <li key={date}>
                  <time dateTime={date}>{formatDate(date)}</time>
                  {canEdit && (
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Remove the holiday ${formatDate(date)}`}
                      onClick={() =>
                        change({ ...draft, holidays: draft.holidays.filter((h) => h !== date) })
                      }
                    >
                      Remove
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {canEdit && (
            <div className="holiday-add">
              <label>
                <span className="sr-only">Holiday date</span>
                <input type="date" value={holiday} onChange={(e) => setHoliday(e.target.value)} />
              </label>
              <button
                type="button"
                className="secondary small"
                disabled={!holiday || draft.holidays.includes(holiday)}
                onClick={() => {
                  change({ ...draft, holidays: [...draft.holidays, holiday] })
                  setHoliday('')
                }}
              >
                Add holiday
              </button>
            </div>
          )}
          <FieldError id={errId('holidays')} message={err('holidays')} />
        </fieldset>
      </fieldset>
      {unplaced && (
        <p role="alert" className="error">
          {unplaced[1]}
        </p>
      )}
      {canEdit && (
        <div className="form-actions">
          <button type="submit" disabled={!dirty || saving || !checked.ok}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          {dirty && (
            <button
              type="button"
              className="secondary"
              disabled={saving}
              onClick={() => change(draftOf(saved))}
            >
              Discard changes
            </button>
          )}
        </div>
      )}
    </form>
  )
}

function formatDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  })
}
