import type { ApiError } from '@flare/protocol'

/** Field → what to tell the person, from a validator's or the server's error. */
export type FieldErrors = Record<string, string>

const PATTERN_HINT: Array<[RegExp, string]> = [
  [/(^|\.)(start|end)$/, 'Enter a time as HH:MM.'],
  [/^holidays\./, 'Enter a date.'],
  [/^recipientEmail$/, 'Enter an email address, e.g. oncall@example.com.'],
  [/^recipientPhone$/, 'Enter a phone number with its country code, e.g. +14155550100.'],
  [/^phone$/, 'Enter a phone number, e.g. +14155550100.'],
]

/** A validator's terse message, as a sentence for the form. */
export function friendlyMessage(error: ApiError): string {
  const field = error.field ?? ''
  const raw = error.message.startsWith(`${field}: `)
    ? error.message.slice(field.length + 2)
    : error.message
  if (/to match|Expected string$/.test(raw) || raw === 'Expected union value') {
    const hint = PATTERN_HINT.find(([re]) => re.test(field))
    if (hint) return hint[1]
  }
  if (/length greater or equal to 1/.test(raw) || /Expected required property/.test(raw))
    return 'Required.'
  if (/Expected integer|Expected number/.test(raw)) return 'Enter a whole number.'
  const min = raw.match(/greater or equal to (-?\d+)/)
  if (min) return `Must be at least ${min[1]}.`
  const max = raw.match(/less or equal to (-?\d+)/)
  if (max) return `Must be at most ${max[1]}.`
  const sentence = raw.charAt(0).toUpperCase() + raw.slice(1)
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`
}

export function fieldErrorsOf(error: ApiError | null): FieldErrors {
  if (!error) return {}
  return { [error.field ?? '']: friendlyMessage(error) }
}

/** The message for a field or anything inside it (`days.mon` matches `days.mon.1.end`). */
export function errorAt(errors: FieldErrors, field: string): string | undefined {
  for (const [key, message] of Object.entries(errors)) {
    if (key === field || key.startsWith(`${field}.`)) return message
  }
  return undefined
}
