import type {
  ConditionField,
  ConditionOperator,
  ConditionValue,
  EscalationRule,
  EscalationTarget,
  NotificationChannel,
  RuleClock,
  RulePriority,
} from '@flare/protocol'
import { NULLABLE_CONDITION_FIELDS } from '@flare/protocol'

/** A condition as its row edits it: the value as typed (lists comma-separated). */
export interface ConditionDraft {
  field: ConditionField
  operator: ConditionOperator
  value: string
}

/** What the rule form edits: the rule's fields as the inputs hold them. */
export interface RuleDraft {
  name: string
  description: string
  enabled: boolean
  /** '' = every inbox of the space */
  inboxId: string
  priority: RulePriority
  chain: string
  conditions: ConditionDraft[]
  clock: RuleClock
  escalateAfterMinutes: string
  /** '' = one-shot */
  repeatEveryMinutes: string
  businessHoursOnly: boolean
  escalateTo: EscalationTarget
  escalateToTeamId: string
  escalateToUserId: string
  escalateToRotationId: string
  recipientEmail: string
  recipientPhone: string
  notificationChannels: NotificationChannel[]
  addInternalNote: boolean
  internalNoteTemplate: string
  /** '' = no acknowledgement timeout (SPEC §11.2.3) */
  acknowledgeWithinMinutes: string
  /** Where an unacknowledged top level goes; `escalateTo` '' = nowhere. */
  fallback: FallbackDraft
}

/** The fallback target as its inputs hold it. */
export interface FallbackDraft {
  escalateTo: EscalationTarget | ''
  escalateToTeamId: string
  escalateToUserId: string
  escalateToRotationId: string
  recipientEmail: string
  recipientPhone: string
}

function noFallback(): FallbackDraft {
  return {
    escalateTo: '',
    escalateToTeamId: '',
    escalateToUserId: '',
    escalateToRotationId: '',
    recipientEmail: '',
    recipientPhone: '',
  }
}

export function newRuleDraft(): RuleDraft {
  return {
    name: '',
    description: '',
    enabled: true,
    inboxId: '',
    priority: 'all',
    chain: 'default',
    conditions: [],
    clock: 'waiting',
    escalateAfterMinutes: '60',
    repeatEveryMinutes: '',
    businessHoursOnly: true,
    escalateTo: 'assigned',
    escalateToTeamId: '',
    escalateToUserId: '',
    escalateToRotationId: '',
    recipientEmail: '',
    recipientPhone: '',
    notificationChannels: ['in_app'],
    addInternalNote: false,
    internalNoteTemplate: '',
    acknowledgeWithinMinutes: '',
    fallback: noFallback(),
  }
}

function valueText(value: ConditionValue): string {
  if (Array.isArray(value)) return value.map((v) => (v === null ? '' : String(v))).join(', ')
  return value === null ? '' : String(value)
}

export function draftOfRule(rule: EscalationRule): RuleDraft {
  return {
    name: rule.name,
    description: rule.description ?? '',
    enabled: rule.enabled,
    inboxId: rule.inboxId ?? '',
    priority: rule.priority,
    chain: rule.chain,
    conditions: rule.conditions.map((c) => ({ ...c, value: valueText(c.value) })),
    clock: rule.clock,
    escalateAfterMinutes: String(rule.escalateAfterMinutes),
    repeatEveryMinutes: rule.repeatEveryMinutes === null ? '' : String(rule.repeatEveryMinutes),
    businessHoursOnly: rule.businessHoursOnly,
    escalateTo: rule.escalateTo,
    escalateToTeamId: rule.escalateToTeamId ?? '',
    escalateToUserId: rule.escalateToUserId ?? '',
    escalateToRotationId: rule.escalateToRotationId ?? '',
    recipientEmail: rule.recipientEmail ?? '',
    recipientPhone: rule.recipientPhone ?? '',
    notificationChannels: [...rule.notificationChannels],
    addInternalNote: rule.addInternalNote,
    internalNoteTemplate: rule.internalNoteTemplate ?? '',
    acknowledgeWithinMinutes:
      rule.acknowledgeWithinMinutes === null ? '' : String(rule.acknowledgeWithinMinutes),
    fallback: rule.fallback
      ? {
          escalateTo: rule.fallback.escalateTo,
          escalateToTeamId: rule.fallback.escalateToTeamId ?? '',
          escalateToUserId: rule.fallback.escalateToUserId ?? '',
          escalateToRotationId: rule.fallback.escalateToRotationId ?? '',
          recipientEmail: rule.fallback.recipientEmail ?? '',
          recipientPhone: rule.fallback.recipientPhone ?? '',
        }
      : noFallback(),
  }
}

function scalarOf(field: ConditionField, text: string): string | number | null {
  const t = text.trim()
  if (t === '' && NULLABLE_CONDITION_FIELDS.includes(field)) return null
  if (field === 'escalationLevel' && /^\d+$/.test(t)) return Number(t)
  return t
}

function conditionValueOf(c: ConditionDraft): ConditionValue {
  if (c.operator === 'in' || c.operator === 'not_in') {
    return c.value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => scalarOf(c.field, part))
  }
  if (c.operator === 'contains') return c.value
  return scalarOf(c.field, c.value)
}

function minutesOf(text: string): number | undefined {
  const t = text.trim()
  return t === '' ? undefined : Number(t)
}

function orNull(text: string): string | null {
  return text.trim() === '' ? null : text.trim()
}

/** Only the chosen target's own field, the others null. */
function targetFields(
  target: EscalationTarget,
  fields: Omit<FallbackDraft, 'escalateTo'>,
): Record<string, string | null> {
  return {
    escalateToTeamId: target === 'team' ? orNull(fields.escalateToTeamId) : null,
    escalateToUserId: target === 'specific_user' ? orNull(fields.escalateToUserId) : null,
    escalateToRotationId: target === 'rotation' ? orNull(fields.escalateToRotationId) : null,
    recipientEmail: target === 'email' ? orNull(fields.recipientEmail) : null,
    recipientPhone: target === 'phone' ? orNull(fields.recipientPhone) : null,
  }
}

/**
 * The create/update body for a draft, left for `validateRuleInput` to judge: an empty
 * threshold stays missing so the validator names it. Only the chosen target's own field
 * is sent.
 */
export function bodyOfDraft(draft: RuleDraft): Record<string, unknown> {
  const target = draft.escalateTo
  const fallback = draft.fallback.escalateTo
  return {
    name: draft.name.trim(),
    description: orNull(draft.description),
    enabled: draft.enabled,
    inboxId: orNull(draft.inboxId),
    priority: draft.priority,
    chain: draft.chain || 'default',
    conditions: draft.conditions.map((c) => ({
      field: c.field,
      operator: c.operator,
      value: conditionValueOf(c),
    })),
    clock: draft.clock,
    escalateAfterMinutes: minutesOf(draft.escalateAfterMinutes),
    repeatEveryMinutes: minutesOf(draft.repeatEveryMinutes) ?? null,
    businessHoursOnly: draft.businessHoursOnly,
    escalateTo: target,
    escalateToTeamId: target === 'team' ? orNull(draft.escalateToTeamId) : null,
    escalateToUserId: target === 'specific_user' ? orNull(draft.escalateToUserId) : null,
    escalateToRotationId: target === 'rotation' ? orNull(draft.escalateToRotationId) : null,
    recipientEmail: target === 'email' ? orNull(draft.recipientEmail) : null,
    recipientPhone: target === 'phone' ? orNull(draft.recipientPhone) : null,
    notificationChannels: draft.notificationChannels,
    addInternalNote: draft.addInternalNote,
    internalNoteTemplate: draft.addInternalNote ? draft.internalNoteTemplate : null,
    acknowledgeWithinMinutes: minutesOf(draft.acknowledgeWithinMinutes) ?? null,
    fallback:
      fallback === '' ? null : { escalateTo: fallback, ...targetFields(fallback, draft.fallback) },
  }
}
