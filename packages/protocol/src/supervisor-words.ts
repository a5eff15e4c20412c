// TypeBox-free values of the supervisor's contract, for the browser's client entry.

/** What an audit entry is about (SPEC §8.4). */
export const AUDIT_KINDS = [
  'escalation_rule',
  'rotation',
  'business_hours',
  'inbox',
  'inbox_phone_escalation',
  'inbox_triggers',
  'sla_policies',
  'notification_template',
  'slack_integration',
  'webhook',
  'wallboard',
  'member',
  'group',
] as const
export type AuditKind = (typeof AUDIT_KINDS)[number]
