import type { BusinessCalendar } from '@flare/protocol'
import { addBusinessMinutes } from '@flare/rules'

/** "Tue 09:42" in the calendar's zone; with the date when it is not within the coming week. */
export function formatDue(due: Date, timezone: string, now: Date): string {
  const withinWeek = due.getTime() - now.getTime() < 6 * 24 * 60 * 60_000
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    ...(withinWeek ? {} : { day: 'numeric', month: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: timezone,
  })
    .format(due)
    .replace(',', '')
}

export interface PreviewInput {
  enabled: boolean
  clock: 'waiting' | 'age'
  escalateAfterMinutes: number | undefined
  repeatEveryMinutes: number | undefined
  businessHoursOnly: boolean
  /** It has an instant trigger condition: it fires when the trigger happens (SPEC §11.1). */
  trigger?: boolean
}

/**
 * When a rule would first fire for something that starts now, computed in the browser with
 * the same engine the server's scheduler uses. `now` is passed in so it can be pinned.
 */
export function RulePreview({
  rule,
  target,
  calendar,
  calendarName,
  timezone,
  now,
}: {
  rule: PreviewInput
  /** Who it would reach, in words. */
  target: string
  /** The calendar that applies (the inbox's, else the space's); null while unknown. */
  calendar: BusinessCalendar | null
  calendarName: string
  /** The zone to show times in when the rule counts wall-clock minutes. */
  timezone: string
  now: Date
}) {
  const minutes = rule.escalateAfterMinutes
  let text: string
  if (rule.trigger) {
    text = `A customer message that sets off the trigger would escalate to ${target} at once; the threshold and repeat are not used.`
  } else if (minutes === undefined || !Number.isInteger(minutes) || minutes < 1) {
    text = 'Set a threshold to see when this rule would fire.'
  } else if (rule.businessHoursOnly && !calendar) {
    text = 'Loading the business hours…'
  } else {
    const counted = rule.businessHoursOnly ? calendar : null
    const zone = counted?.timezone ?? timezone
    let due: Date | null = null
    try {
      due = addBusinessMinutes(counted, now, minutes)
    } catch {
      // an unknown timezone or a calendar with no working time: the calendar form says why
    }
    const start =
      rule.clock === 'waiting' ? 'A customer message arriving now' : 'A ticket opened now'
    text = due
      ? `${start} would escalate to ${target} at ${formatDue(due, zone, now)}`
      : `${start} would never escalate: the calendar has no working time`
    if (due) {
      const unit = rule.businessHoursOnly ? 'business minutes' : 'minutes'
      text += ` (${minutes} ${unit}${rule.businessHoursOnly ? ` of ${calendarName}` : ''}, ${zone})`
      text += rule.repeatEveryMinutes
        ? `, then every ${rule.repeatEveryMinutes} ${unit} while it stays ${rule.clock === 'waiting' ? 'unanswered' : 'open'}.`
        : '.'
    }
  }
  return (
    <p className="rule-preview" data-testid="rule-preview" aria-live="polite">
      {!rule.enabled && <strong>This rule is off. When on: </strong>}
      {text}
    </p>
  )
}
