import type { AuditEntryDto, InboxDto } from '@flare/protocol/client'
import {
  CALENDAR_MODES,
  CHANNEL_LABEL,
  CONDITION_FIELD_LABEL,
  OPERATOR_LABEL,
  ROLE_WORDS,
  RULE_FIELD_LABEL,
  RULE_PRIORITY_TEXT,
} from '../automation/settings-words.js'
import { type Directory, formatMinutes, memberName, TARGET_LABEL } from '../automation/targets.js'
import { PRIORITY_LABEL, STATUS_LABEL } from '../inbox/format.js'

// The audit log in a supervisor's words (SPEC §8.4.1): a stored rule or setting is JSON with
// the field names and values the code uses; these turn each into what the settings pages call
// it, with the settings pages' own words (automation/settings-words.ts, targets.ts,
// inbox/format.ts); what only the log names (an inbox's or an SLA policy's fields) is here.

/** Everything the log may name an id by; a list not loaded yet is null, never empty. */
export interface AuditDirectory extends Directory {
  inboxes: Array<Pick<InboxDto, 'id' | 'name'>> | null
  /** false while the rotations are not loaded: an unknown one may only be unseen, not gone */
  rotationsLoaded: boolean
}

/** A rule's fields in the order the rule form shows them. */
const RULE_FIELDS = [
  'name',
  'description',
  'enabled',
  'inboxId',
  'priority',
  'chain',
  'conditions',
  'clock',
  'escalateAfterMinutes',
  'repeatEveryMinutes',
  'businessHoursOnly',
  'escalateTo',
  'escalateToTeamId',
  'escalateToUserId',
  'escalateToRotationId',
  'recipientEmail',
  'recipientPhone',
  'notificationChannels',
  'action',
  'addInternalNote',
  'internalNoteTemplate',
  'acknowledgeWithinMinutes',
  'fallback',
] as const
/** The rule's fields the form has no error label for (a switch, a radio group…). */
const RULE_FIELDS_UNLABELLED: Record<string, string> = {
  enabled: 'Enabled',
  chain: 'Chain',
  clock: 'Clock',
  businessHoursOnly: 'Count business hours only',
  action: 'Action',
  addInternalNote: 'Add an internal note when it fires',
}

/**
 * What the settings pages call each field, in the order they show them (a change lists its
 * fields in this order). Keyed by the field's own name at any depth.
 */
const FIELD_WORDS: Record<string, string> = {
  // an escalation rule, as the rule form labels it
  ...Object.fromEntries(
    RULE_FIELDS.map((f) => [f, RULE_FIELD_LABEL[f] ?? RULE_FIELDS_UNLABELLED[f] ?? f]),
  ),
  // business hours (the calendar editor's labels)
  calendar: 'Business hours',
  mode: 'Mode',
  timezone: 'Time zone',
  workingDays: 'Working days',
  start: 'Opens',
  end: 'Closes',
  days: 'Hours per day',
  holidays: 'Holidays',
  // an inbox, its phone escalation and its instant triggers
  channelAddress: 'Address',
  adminUserIds: 'Inbox admins',
  webhookSecret: 'Webhook secret',
  phone: 'Phone number',
  minutes: 'After',
  keyword: 'Words asking for a person',
  phrases: 'Phrases',
  sentiment: 'An angry customer',
  threshold: 'Threshold',
  // a rotation, a group, a member
  memberIds: 'Members',
  nextIndex: 'Next on call',
  handle: 'Handle',
  userId: 'Person',
  role: 'Role',
  // SLA policies
  firstResponseMinutes: 'First response within',
  resolutionMinutes: 'Resolution within',
  businessHours: 'Count business hours only',
  atRiskPercent: 'Warn when this much of the time is used',
  // templates, webhooks, Slack, wallboards
  subject: 'Subject',
  body: 'Text',
  url: 'Address',
  events: 'Events',
  connected: 'Connected',
  prefix: 'Link starts with',
}

const CLOCK_WORDS: Record<string, string> = {
  waiting: 'Waiting on staff (from the first unanswered customer message)',
  age: 'Ticket age (from when it opened)',
}
const MODE_WORDS: Record<string, string> = Object.fromEntries(
  CALENDAR_MODES.map((m) => [m.id, m.label]),
)
const ACTION_WORDS: Record<string, string> = { notify: 'Notify', email: 'Email' }
/** What a null means for the fields where it means something. */
const NULL_WORDS: Record<string, string> = {
  inboxId: 'Every inbox',
  repeatEveryMinutes: 'Never (fires once)',
  acknowledgeWithinMinutes: 'No deadline',
  fallback: 'Nobody more',
  calendar: "The space's hours",
  firstResponseMinutes: 'No target',
  resolutionMinutes: 'No target',
}
const MINUTES = new Set([
  'escalateAfterMinutes',
  'repeatEveryMinutes',
  'acknowledgeWithinMinutes',
  'firstResponseMinutes',
  'resolutionMinutes',
  'minutes',
])
const MEMBER_IDS = new Set([
  'userId',
  'escalateToUserId',
  'assignedToUserId',
  'adminUserIds',
  'memberIds',
  'createdBy',
  'updatedBy',
])
const TEAM_IDS = new Set(['escalateToTeamId', 'teamId'])
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The word for a stored code, or the code itself when it is one the page does not know. */
function wordFor(words: Readonly<Record<string, string>>, code: string): string {
  return (Object.hasOwn(words, code) ? words[code] : undefined) ?? code
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === ''
}

/** `escalateAfterMinutes` → `Escalate after minutes`: a field the log has no word for yet. */
function spelledOut(key: string): string {
  const words = key
    .replace(/Ids?$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** What the settings pages call a field (`inboxId` → `Inbox`). */
export function fieldLabel(key: string): string {
  return FIELD_WORDS[key] ?? spelledOut(key)
}

const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long', timeZone: 'UTC' })
// 2024-01-01 was a Monday
const WEEKDAY_INDEX: Record<string, number> = {
  mon: 0,
  tue: 1,
  wed: 2,
  thu: 3,
  fri: 4,
  sat: 5,
  sun: 6,
}

function dayName(day: string): string {
  const index = WEEKDAY_INDEX[day]
  return index === undefined ? day : weekday.format(Date.UTC(2024, 0, 1 + index))
}

const calendarDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' })

function dateText(value: string): string {
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN
  return Number.isNaN(at) ? value : calendarDate.format(at)
}

function interval(value: unknown): string {
  return isRecord(value) && typeof value.start === 'string' && typeof value.end === 'string'
    ? `${value.start}–${value.end}`
    : describeValue('', value, EMPTY_DIRECTORY)
}

const EMPTY_DIRECTORY: AuditDirectory = {
  members: [],
  groups: [],
  rotations: [],
  inboxes: null,
  rotationsLoaded: false,
}

/** A condition as the rule form reads it: `Status is Open`. */
function conditionText(condition: unknown, directory: AuditDirectory): string {
  if (!isRecord(condition)) return describeValue('', condition, directory)
  const field = String(condition.field ?? '')
  const operator = String(condition.operator ?? '')
  const values = Array.isArray(condition.value) ? condition.value : [condition.value]
  const shown = values.map((v) => conditionValue(field, v, directory)).join(', ')
  const test = wordFor(CONDITION_FIELD_LABEL, field)
  return `${test} ${wordFor(OPERATOR_LABEL, operator)} ${shown}`
}

function conditionValue(field: string, value: unknown, directory: AuditDirectory): string {
  if (value === null) return field === 'assignedToUserId' ? 'nobody' : 'empty'
  const text = String(value)
  if (field === 'status') return wordFor(STATUS_LABEL, text)
  if (field === 'priority') return wordFor(PRIORITY_LABEL, text)
  if (field === 'assignedToUserId') return describeValue('assignedToUserId', text, directory)
  if (field === 'categoryId') return UUID.test(text) ? 'a category' : text
  return text
}

function idName(key: string, id: string, directory: AuditDirectory): string | null {
  if (key === 'inboxId') {
    const inbox = directory.inboxes?.find((i) => i.id === id)
    if (inbox) return inbox.name
    return directory.inboxes ? 'an inbox that was deleted' : 'an inbox'
  }
  if (MEMBER_IDS.has(key)) {
    return memberName(directory, id) ?? 'someone no longer in the space'
  }
  if (TEAM_IDS.has(key)) {
    return directory.groups.find((g) => g.id === id)?.name ?? 'a team that was deleted'
  }
  if (key === 'escalateToRotationId') {
    const rotation = directory.rotations.find((r) => r.id === id)
    if (rotation) return rotation.name
    return directory.rotationsLoaded ? 'a rotation that was deleted' : 'a rotation'
  }
  return null
}

/**
 * A stored value as a supervisor reads it, by the field it is in: names for ids (a member,
 * an inbox, a team, a rotation), words for codes (`specific_user` → "A specific person"),
 * minutes as durations, and a dash for nothing. Never a raw id.
 *
 * @example
 * describeValue('escalateTo', 'specific_user', directory) // 'A specific person'
 */
export function describeValue(key: string, value: unknown, directory: AuditDirectory): string {
  if (isEmpty(value)) return NULL_WORDS[key] ?? '—'
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  if (Array.isArray(value)) {
    if (value.length === 0) return 'None'
    if (key === 'conditions') return value.map((c) => conditionText(c, directory)).join('; ')
    if (key === 'holidays') return value.map((d) => dateText(String(d))).join(', ')
    if (key === 'workingDays') return value.map((d) => dayName(String(d))).join(', ')
    return value.map((v) => describeValue(key, v, directory)).join(key === '' ? '; ' : ', ')
  }
  if (isRecord(value)) {
    if (key === 'fallback') return describeFallback(value, directory)
    if (key === 'days') {
      return Object.entries(value)
        .map(([day, hours]) => {
          const list = Array.isArray(hours) ? hours.map(interval) : []
          return `${dayName(day)} ${list.length > 0 ? list.join(', ') : 'closed'}`
        })
        .join('; ')
    }
    if (key === 'calendar') return calendarText(value, directory)
    if (typeof value.start === 'string' && typeof value.end === 'string') return interval(value)
    return Object.entries(value)
      .filter(([, v]) => !isEmpty(v))
      .map(([k, v]) => `${fieldLabel(k)}: ${describeValue(k, v, directory)}`)
      .join('; ')
  }
  if (typeof value === 'number') {
    if (MINUTES.has(key)) return formatMinutes(value)
    if (key === 'atRiskPercent') return `${value} %`
    if (key === 'nextIndex') return `Member ${value + 1} of the list`
    return String(value)
  }
  const text = String(value)
  const named = UUID.test(text) ? idName(key, text, directory) : null
  if (named) return named
  switch (key) {
    case 'escalateTo':
      return wordFor(TARGET_LABEL, text)
    case 'clock':
      return wordFor(CLOCK_WORDS, text)
    case 'priority':
      return wordFor(RULE_PRIORITY_TEXT, text)
    case 'notificationChannels':
      return wordFor(CHANNEL_LABEL, text)
    case 'mode':
      return wordFor(MODE_WORDS, text)
    case 'role':
      return wordFor(ROLE_WORDS, text)
    case 'action':
      return wordFor(ACTION_WORDS, text)
    case 'chain':
      return text === 'default' ? 'The default chain' : text
    case 'workingDays':
      return dayName(text)
    case 'holidays':
      return dateText(text)
  }
  // an id of something the log cannot name: say what it is, never the id itself
  return UUID.test(text) ? `a ${fieldLabel(key).toLowerCase()} no longer here` : text
}

/** A fallback target as the rule form says it: "An email address: oncall@…". */
function describeFallback(value: Record<string, unknown>, directory: AuditDirectory): string {
  const target = String(value.escalateTo ?? '')
  const label = wordFor(TARGET_LABEL, target)
  const detailKey = [
    'escalateToTeamId',
    'escalateToUserId',
    'escalateToRotationId',
    'recipientEmail',
    'recipientPhone',
  ].find((k) => !isEmpty(value[k]))
  return detailKey ? `${label}: ${describeValue(detailKey, value[detailKey], directory)}` : label
}

function calendarText(value: Record<string, unknown>, directory: AuditDirectory): string {
  const mode = describeValue('mode', value.mode, directory)
  if (value.mode === 'always') return mode
  if (value.mode === 'per-day') return `${mode}: ${describeValue('days', value.days, directory)}`
  return `${describeValue('workingDays', value.workingDays, directory)} ${interval(value)}`
}

/** One line of an entry: a setting with its value before and after, both in words. */
export interface AuditRow {
  key: string
  label: string
  before: string
  after: string
}

const FIELD_ORDER = Object.keys(FIELD_WORDS)

function fieldRank(key: string): number {
  const at = FIELD_ORDER.indexOf(key)
  return at === -1 ? FIELD_ORDER.length + (/^\d+$/.test(key) ? Number(key) : 0) : at
}

/** The top-level fields of a side of an entry, in order; a list's items are its fields. */
function fieldsOf(side: unknown): Array<[string, unknown]> {
  if (Array.isArray(side)) return side.map((item, i) => [String(i), item])
  if (isRecord(side)) return Object.entries(side)
  return side === null || side === undefined ? [] : [['', side]]
}

function itemLabel(kind: string, key: string, value: unknown, directory: AuditDirectory): string {
  if (/^\d+$/.test(key)) {
    const n = Number(key) + 1
    if (kind === 'sla_policies' && isRecord(value)) {
      const where = describeValue('inboxId', value.inboxId ?? null, directory)
      return `Policy ${n} (${describeValue('priority', value.priority, directory)}, ${where})`
    }
    return `Item ${n}`
  }
  return key === '' ? 'Value' : fieldLabel(key)
}

/**
 * An entry as rows of setting, before and after, one per top-level field: a rule's conditions
 * or fallback read as one line each rather than a line per nested value. `changed` are the
 * fields the change touched (every field with a value, for a creation or a removal); `rest`
 * the ones it left as they were, which the page keeps behind a disclosure.
 */
export function auditRows(
  entry: Pick<AuditEntryDto, 'kind' | 'action' | 'before' | 'after' | 'changes'>,
  directory: AuditDirectory,
): { changed: AuditRow[]; rest: AuditRow[] } {
  const touched = new Set(entry.changes.map((c) => c.path.split('.')[0] ?? ''))
  const before = new Map(fieldsOf(entry.before))
  const after = new Map(fieldsOf(entry.after))
  // in the order the settings pages ask for them: the database keeps JSON keys in its own order
  const keys = [...new Set([...after.keys(), ...before.keys()])].sort(
    (x, y) => fieldRank(x) - fieldRank(y),
  )
  const changed: AuditRow[] = []
  const rest: AuditRow[] = []
  for (const key of keys) {
    const was = before.get(key)
    const now = after.get(key)
    // a creation or removal lists only what was set: empty fields are noise there
    if (entry.action !== 'update' && isEmpty(was) && isEmpty(now)) continue
    const row: AuditRow = {
      key,
      label: itemLabel(entry.kind, key, now ?? was, directory),
      before: describeValue(/^\d+$/.test(key) ? '' : key, was, directory),
      after: describeValue(/^\d+$/.test(key) ? '' : key, now, directory),
    }
    if (touched.has(key)) changed.push(row)
    else rest.push(row)
  }
  return { changed, rest }
}
