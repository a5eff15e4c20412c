import type { ConditionValue, RuleCondition } from '@flare/protocol'
import type { EvaluableRule, TicketSnapshot } from './ticket.js'

type Scalar = string | number | null

// ids may be numbers in the seed's examples and strings here: compare by decimal text
function isSame(a: Scalar, b: Scalar): boolean {
  if (a === null || b === null) return a === b
  return String(a) === String(b)
}

function listOf(value: ConditionValue): Scalar[] {
  return Array.isArray(value) ? value : [value]
}

function containsText(haystack: Scalar, needle: ConditionValue): boolean {
  if (haystack === null || typeof needle !== 'string') return false
  return String(haystack).toLowerCase().includes(needle.toLowerCase())
}

/** `equals` on the customer's tags: one of them is the value; `null` means the customer has none. */
function hasTag(tags: readonly string[], value: Scalar): boolean {
  return value === null ? tags.length === 0 : tags.some((tag) => isSame(tag, value))
}

function holdsForTags(tags: readonly string[], condition: RuleCondition): boolean {
  const { operator, value } = condition
  switch (operator) {
    case 'equals':
      return !Array.isArray(value) && hasTag(tags, value)
    case 'not_equals':
      return !Array.isArray(value) && !hasTag(tags, value)
    case 'in':
      return listOf(value).some((item) => hasTag(tags, item))
    case 'not_in':
      return !listOf(value).some((item) => hasTag(tags, item))
    case 'contains':
      return tags.some((tag) => containsText(tag, value))
  }
}

function fieldValue(
  ticket: TicketSnapshot,
  field: Exclude<RuleCondition['field'], 'customerTag'>,
): Scalar {
  return ticket[field] ?? null
}

/**
 * Whether one condition holds for the ticket. `customerTag` tests the set of tags (`equals`:
 * has that tag; `not_equals`: lacks it); `contains` is a case-insensitive substring test.
 *
 * @example
 * holdsCondition(ticket, { field: 'assignedToUserId', operator: 'equals', value: null }) // unassigned?
 */
export function holdsCondition(ticket: TicketSnapshot, condition: RuleCondition): boolean {
  if (condition.field === 'customerTag') return holdsForTags(ticket.customerTags, condition)
  const actual = fieldValue(ticket, condition.field)
  const { operator, value } = condition
  switch (operator) {
    case 'equals':
      return !Array.isArray(value) && isSame(actual, value)
    case 'not_equals':
      return !Array.isArray(value) && !isSame(actual, value)
    case 'in':
      return listOf(value).some((item) => isSame(actual, item))
    case 'not_in':
      return !listOf(value).some((item) => isSame(actual, item))
    case 'contains':
      return containsText(actual, value)
  }
}

/**
 * Whether a rule watches this ticket: enabled, its inbox (or every inbox), its priority
 * (or `all`), and every condition holds. Clocks and thresholds are not considered.
 *
 * @example
 * rules.filter((rule) => matchesRule(ticket, rule)) // what the rule preview lists
 */
export function matchesRule(ticket: TicketSnapshot, rule: EvaluableRule): boolean {
  return (
    rule.enabled &&
    (rule.inboxId === null || rule.inboxId === ticket.inboxId) &&
    (rule.priority === 'all' || rule.priority === ticket.priority) &&
    rule.conditions.every((condition) => holdsCondition(ticket, condition))
  )
}

/**
 * Whether a rule fires on instant triggers (SPEC §11.1): it has a `trigger` condition. Such a
 * rule fires when a trigger happens, never by its clock.
 *
 * @example
 * isTriggerRule({ conditions: [{ field: 'trigger', operator: 'equals', value: 'keyword' }] }) // → true
 */
export function isTriggerRule(rule: Pick<EvaluableRule, 'conditions'>): boolean {
  return rule.conditions.some((condition) => condition.field === 'trigger')
}
