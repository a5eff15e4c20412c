import type { BotOutcome, InboxTriggers, TriggerKind } from '@flare/protocol'
import { isTriggerRule, matchesRule } from './conditions.js'
import { compareIds } from './evaluate.js'
import { matchPhrases } from './phrases.js'
import type { SentimentScore } from './sentiment.js'
import type { EvaluableRule, TicketSnapshot } from './ticket.js'

/** An instant trigger that went off (SPEC §11.1): what, the words, and the reason to record. */
export interface TriggerHit {
  kind: TriggerKind
  /** The customer's words that set it off, as written (none for a bot failure). */
  words: string[]
  /** For `sentiment`: the message's score. */
  score?: number
  /** Names the trigger and what matched; the firing adds the rule's name. */
  reason: string
}

/** One turn of a conversation (a customer message or a bot turn), oldest first. */
export interface ConversationLine {
  from: 'customer' | 'bot'
  text: string
  outcome?: BotOutcome | null
}

// the most telling words first, at most this many in a reason
const REASON_WORDS = 5

function quoted(words: readonly string[]): string {
  return words.map((word) => `"${word}"`).join(', ')
}

function keywordHit(settings: InboxTriggers, text: string): TriggerHit | null {
  if (!settings.keyword.enabled) return null
  const match = matchPhrases(text, settings.keyword.phrases)
  if (!match) return null
  return {
    kind: 'keyword',
    words: [match.text],
    reason: `Keyword trigger: the customer wrote "${match.text}"`,
  }
}

function sentimentHit(settings: InboxTriggers, sentiment: SentimentScore): TriggerHit | null {
  if (!settings.sentiment.enabled || sentiment.score > settings.sentiment.threshold) return null
  const words = sentiment.words
    .filter((word) => word.score < 0)
    .sort((a, b) => a.score - b.score)
    .slice(0, REASON_WORDS)
    .map((word) => word.text)
  return {
    kind: 'sentiment',
    words,
    score: sentiment.score,
    reason:
      `Sentiment trigger: the customer's message scored ${sentiment.score} ` +
      `(threshold ${settings.sentiment.threshold})${words.length > 0 ? `: ${quoted(words)}` : ''}`,
  }
}

/**
 * What a customer message sets off, if anything: a phrase asking for a human or a manager
 * first (the customer said what they want), else negative sentiment at or below the inbox's
 * threshold. Disabled triggers never fire.
 *
 * @example
 * detectMessageTrigger(settings, 'I want to talk to a human now', scoreSentiment(text, lexicon))
 * // → { kind: 'keyword', words: ['talk to a human'], reason: 'Keyword trigger: the customer wrote "talk to a human"' }
 */
export function detectMessageTrigger(
  settings: InboxTriggers,
  text: string,
  sentiment: SentimentScore,
): TriggerHit | null {
  return keywordHit(settings, text) ?? sentimentHit(settings, sentiment)
}

/**
 * The longest run of bot turns that fell back, one after another; customer turns in between
 * neither break nor extend it, a bot turn that resolved ends it.
 *
 * @example
 * longestFallbackRun([{ from: 'bot', outcome: 'fallback' }, { from: 'customer' }, { from: 'bot', outcome: 'fallback' }]) // → 2
 */
export function longestFallbackRun(
  turns: ReadonlyArray<Pick<ConversationLine, 'from' | 'outcome'>>,
): number {
  let longest = 0
  let run = 0
  for (const turn of turns) {
    if (turn.from !== 'bot') continue
    run = turn.outcome === 'fallback' ? run + 1 : 0
    if (run > longest) longest = run
  }
  return longest
}

/**
 * What a conversation a bot hands over sets off: a phrase asking for a human or a manager in
 * one of the customer's `fresh` turns first (the ones not seen before), then the bot's own
 * failure (`consecutiveFallbacks` fallbacks in a row anywhere in `turns`, one of them fresh;
 * or `handoff`), then the most negative of the fresh customer turns. `scores` are the fresh turns' sentiment, in
 * the same order as `fresh`.
 *
 * @example
 * detectConversationTrigger(settings, turns, turns, scores, false)?.kind // → 'bot_failure'
 */
export function detectConversationTrigger(
  settings: InboxTriggers,
  turns: readonly ConversationLine[],
  fresh: readonly ConversationLine[],
  scores: readonly SentimentScore[],
  handoff: boolean,
): TriggerHit | null {
  const said = fresh.filter((turn) => turn.from === 'customer')
  for (const turn of said) {
    const hit = keywordHit(settings, turn.text)
    if (hit) return hit
  }
  if (settings.botFailure.enabled) {
    const run = longestFallbackRun(turns)
    // a longer transcript of a conversation seen before fires only on a new fallback
    const failed =
      run >= settings.botFailure.consecutiveFallbacks &&
      fresh.some((turn) => turn.from === 'bot' && turn.outcome === 'fallback')
    if (handoff || failed) {
      const why = [
        ...(failed ? [`the bot fell back ${run} times in a row`] : []),
        ...(handoff ? ['the bot handed the conversation over'] : []),
      ].join(' and ')
      return { kind: 'bot_failure', words: [], reason: `Bot failure trigger: ${why}` }
    }
  }
  let worst: TriggerHit | null = null
  fresh.forEach((turn, index) => {
    const sentiment = scores[index]
    if (turn.from !== 'customer' || !sentiment) return
    const hit = sentimentHit(settings, sentiment)
    if (hit && (worst === null || (hit.score ?? 0) < (worst.score ?? 0))) worst = hit
  })
  return worst
}

/** The start of the period a trigger fires once in: the waiting period, else the open life. */
function triggerPeriodStart(ticket: TicketSnapshot): number {
  return (ticket.waitingSince ?? ticket.openSince).getTime()
}

/**
 * Whether a trigger of this kind already fired in the ticket's current waiting period (or
 * open life, when it is not waiting): a customer who repeats "human please" before anyone
 * answered does not page again; a staff reply starts a new period.
 */
export function triggerFiredInPeriod(ticket: TicketSnapshot, kind: TriggerKind): boolean {
  const since = triggerPeriodStart(ticket)
  return ticket.escalationHistory.some(
    (entry) => entry.trigger === kind && entry.escalatedAt.getTime() >= since,
  )
}

// a rule of the ticket's own inbox before a space-wide one, then the one with more
// conditions (the more specific), then the lower id
function outranksTrigger(a: EvaluableRule, b: EvaluableRule): boolean {
  const ownA = a.inboxId !== null
  const ownB = b.inboxId !== null
  if (ownA !== ownB) return ownA
  if (a.conditions.length !== b.conditions.length) {
    return a.conditions.length > b.conditions.length
  }
  return compareIds(a.id, b.id) < 0
}

/**
 * The rules an instant trigger fires (SPEC §11.1): per chain, the top trigger rule (one with a
 * `trigger` condition) whose scope and conditions hold with `trigger` set to `kind`; a rule of
 * the ticket's inbox before a space-wide one, then the more conditions, then the lower id.
 * Empty when the ticket is not open or no trigger rule matches (the caller then fires the
 * inbox's default target). Chains are independent, as for timed rules.
 *
 * @example
 * selectTriggerRules(ticket, 'keyword', rules) // → [the "customer asks for a manager" rule]
 */
export function selectTriggerRules<R extends EvaluableRule>(
  ticket: TicketSnapshot,
  kind: TriggerKind,
  rules: readonly R[],
): R[] {
  if (ticket.status !== 'open') return []
  const asked: TicketSnapshot = { ...ticket, trigger: kind }
  const best = new Map<string, R>()
  for (const rule of rules) {
    if (!isTriggerRule(rule) || !matchesRule(asked, rule)) continue
    const top = best.get(rule.chain)
    if (!top || outranksTrigger(rule, top)) best.set(rule.chain, rule)
  }
  return [...best.keys()].sort().map((chain) => best.get(chain)!)
}

function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 3)).trimEnd()}...` : text
}

/**
 * The `{transcript_excerpt}` of notifications and notes: the customer's last message when no
 * bot took part; with a bot, the end of the conversation, "Customer: … / Bot (fallback): …",
 * as many of the last turns as fit in `max` characters (plain ASCII around the words, so an
 * SMS stays in GSM-7 when the words are).
 *
 * @example
 * transcriptExcerpt([{ from: 'customer', text: 'Where is my order?' }]) // → 'Where is my order?'
 */
export function transcriptExcerpt(lines: readonly ConversationLine[], max = 300): string {
  if (lines.length === 0) return ''
  if (!lines.some((line) => line.from === 'bot')) {
    const last = [...lines].reverse().find((line) => line.from === 'customer')
    return last ? cut(flat(last.text), max) : ''
  }
  const parts: string[] = []
  let length = 0
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!
    const who =
      line.from === 'customer' ? 'Customer' : line.outcome === 'fallback' ? 'Bot (fallback)' : 'Bot'
    const part = `${who}: ${flat(line.text)}`
    const added = part.length + (parts.length > 0 ? 3 : 0)
    if (parts.length === 0 && added > max) return cut(part, max)
    if (length + added > max) break
    parts.unshift(part)
    length += added
  }
  return parts.join(' / ')
}
