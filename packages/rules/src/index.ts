// The front door of @flare/rules: every name other workspaces may use is exported here.
export { addBusinessMinutes, businessMinutesBetween } from './business-time.js'
export { holdsCondition, isTriggerRule, matchesRule } from './conditions.js'
export { evaluateTicket, recordFiring } from './evaluate.js'
export type { PhraseMatch } from './phrases.js'
export { IGNORED_WORDS, matchPhrases, phraseWords } from './phrases.js'
export type { Lexicon, SentimentScore } from './sentiment.js'
export { compileLexicon, scoreSentiment } from './sentiment.js'
export type { SlaEvaluation, SlaTargetState, SlaTicket } from './sla.js'
export { computeSla, findSlaPolicy, slaTargetDueAt } from './sla.js'
export type { SmsLength } from './sms.js'
export { fitsOneSms, renderSmsWithin, smsLength } from './sms.js'
export type { TemplateValues, TemplateVariable } from './template.js'
export {
  DEFAULT_NOTE_TEMPLATE,
  DEFAULT_TRIGGER_NOTE_TEMPLATE,
  findUnknownTemplateVariables,
  NOTE_TEMPLATE_VARIABLES,
  renderTemplate,
  TEMPLATE_VARIABLES,
  templatePreviewValues,
} from './template.js'
export type {
  ChainAcknowledgement,
  EscalationHistoryEntry,
  EvaluableRule,
  Evaluation,
  FiringCause,
  TicketSnapshot,
} from './ticket.js'
export type { ConversationLine, TriggerHit } from './triggers.js'
export {
  detectConversationTrigger,
  detectMessageTrigger,
  longestFallbackRun,
  selectTriggerRules,
  transcriptExcerpt,
  triggerFiredInPeriod,
} from './triggers.js'
export type { WaitingMessage } from './waiting.js'
export { findWaitingSince } from './waiting.js'
