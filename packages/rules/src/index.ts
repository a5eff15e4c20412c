// The front door of @flare/rules: every name other workspaces may use is exported here.
export { addBusinessMinutes, businessMinutesBetween } from './business-time.js'
export { holdsCondition, matchesRule } from './conditions.js'
export { evaluateTicket, recordFiring } from './evaluate.js'
export type { SmsLength } from './sms.js'
export { fitsOneSms, renderSmsWithin, smsLength } from './sms.js'
export type { TemplateValues, TemplateVariable } from './template.js'
export {
  DEFAULT_NOTE_TEMPLATE,
  findUnknownTemplateVariables,
  NOTE_TEMPLATE_VARIABLES,
  renderTemplate,
  TEMPLATE_VARIABLES,
  templatePreviewValues,
} from './template.js'
export type {
  EscalationHistoryEntry,
  EvaluableRule,
  Evaluation,
  TicketSnapshot,
} from './ticket.js'
export type { WaitingMessage } from './waiting.js'
export { findWaitingSince } from './waiting.js'
