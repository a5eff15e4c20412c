import type {
  ConditionField,
  ConditionOperator,
  MemberRole,
  NotificationChannel,
  RulePriority,
} from '@flare/protocol/client'

// The words the settings pages use for what they edit, in one place: the forms label their
// fields and options with them, and the supervisor's audit log says what changed in the same
// words. Types only from the protocol: the audit log's chunk must not carry TypeBox.

/** A rule's fields, as the rule form labels them. */
export const RULE_FIELD_LABEL: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  inboxId: 'Inbox',
  priority: 'Ticket priority',
  conditions: 'Conditions',
  escalateAfterMinutes: 'Threshold',
  repeatEveryMinutes: 'Repeat every',
  escalateTo: 'Escalate to',
  escalateToTeamId: 'Team',
  escalateToUserId: 'Person',
  escalateToRotationId: 'Rotation',
  recipientEmail: 'Email address',
  recipientPhone: 'Phone number',
  notificationChannels: 'Channels',
  internalNoteTemplate: 'Internal note',
  acknowledgeWithinMinutes: 'Acknowledge within',
  fallback: 'With no next level, go to',
}

/** A rule's ticket priority, `all` included. */
export const RULE_PRIORITY_TEXT: Record<RulePriority, string> = {
  all: 'Every priority',
  urgent: 'Urgent',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
}

export const CHANNEL_LABEL: Record<NotificationChannel, string> = {
  in_app: 'In-app pop-up',
  email: 'Email',
  sms: 'SMS',
  slack: 'Slack',
  webhook: 'Webhook',
  push: 'Push',
}

/** A condition's field and operator: "Status is Open". */
export const CONDITION_FIELD_LABEL: Record<ConditionField, string> = {
  status: 'Status',
  priority: 'Priority',
  categoryId: 'Category',
  assignedToUserId: 'Assignee',
  escalationLevel: 'Escalation level',
  slaStatus: 'SLA status',
  firstResponseTime: 'First response time (minutes)',
  customerTag: 'Customer tag',
  trigger: 'Instant trigger',
}
export const OPERATOR_LABEL: Record<ConditionOperator, string> = {
  equals: 'is',
  not_equals: 'is not',
  in: 'is one of',
  not_in: 'is none of',
  contains: 'contains',
}

/** Business hours' modes, in the order the editor offers them. */
export const CALENDAR_MODES = [
  { id: 'same', label: 'Same hours on chosen days' },
  { id: 'per-day', label: 'Different hours per day' },
  { id: 'always', label: '24 / 7' },
] as const

export const ROLE_WORDS: Record<MemberRole, string> = {
  admin: 'Admin',
  manager: 'Manager',
  agent: 'Agent',
}
