// Instant triggers (SPEC §11.1): the names and defaults, free of TypeBox so the browser entry
// can carry them. The schemas are in `triggers.ts`.

/** What made a ticket escalate at once; the rule condition field `trigger` takes these. */
export const TRIGGER_KINDS = ['keyword', 'sentiment', 'bot_failure'] as const
export type TriggerKind = (typeof TRIGGER_KINDS)[number]

/** How a bot's turn went (and, optionally, whether it understood a customer's turn). */
export const BOT_OUTCOMES = ['resolved', 'fallback'] as const
export type BotOutcome = (typeof BOT_OUTCOMES)[number]

/**
 * The phrases asking for a human or a manager that an inbox starts with (SPEC §11.1.1),
 * English then Spanish. Matched on whole words in order, ignoring case, accents and
 * articles on both sides (`matchPhrases` of `@flare/rules`), so "talk to a manager" also
 * covers "talk to the manager" and "talk to your manager". Every phrase names the request, never the person
 * alone: "manager" by itself would fire on "my manager told me to write".
 */
export const DEFAULT_TRIGGER_PHRASES: readonly string[] = [
  'talk to a human',
  'speak to a human',
  'speak with a human',
  'chat with a human',
  'talking to a human',
  'talk to a person',
  'speak to a person',
  'speak with a person',
  'real person',
  'live person',
  'human agent',
  'live agent',
  'real agent',
  'talk to an agent',
  'speak to an agent',
  'speak with an agent',
  'talk to someone',
  'speak to someone',
  'speak with someone',
  'representative',
  'talk to a manager',
  'speak to a manager',
  'speak with a manager',
  'get me a manager',
  'want a manager',
  'need a manager',
  'talk to a supervisor',
  'speak to a supervisor',
  'speak with a supervisor',
  'get me a supervisor',
  'please escalate',
  'escalate this',
  'hablar con un humano',
  'hablar con una persona',
  'persona real',
  'atención humana',
  'agente humano',
  'hablar con un agente',
  'hablar con un asesor',
  'hablar con un operador',
  'hablar con alguien',
  'pásame con un agente',
  'pásame con alguien',
  'comunicarme con un asesor',
  'que me atienda una persona',
  'hablar con el gerente',
  'hablar con el encargado',
  'hablar con un supervisor',
  'hablar con tu jefe',
  'quiero un gerente',
]

/** A message scoring this or lower fires the sentiment trigger (AFINN valences summed). */
export const DEFAULT_SENTIMENT_THRESHOLD = -4
/** Bot fallbacks in a row that fire the bot failure trigger. */
export const DEFAULT_CONSECUTIVE_FALLBACKS = 2

/** How each trigger is named to people (history, pop-ups, reasons). */
export const TRIGGER_LABEL: Readonly<Record<TriggerKind, string>> = {
  keyword: 'Keyword trigger',
  sentiment: 'Sentiment trigger',
  bot_failure: 'Bot failure trigger',
}
