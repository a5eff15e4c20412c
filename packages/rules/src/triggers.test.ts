import {
  DEFAULT_INBOX_TRIGGERS,
  DEFAULT_TRIGGER_PHRASES,
  type InboxTriggers,
  type RuleCondition,
} from '@flare/protocol'
import { describe, expect, it } from 'vitest'
import { evaluateTicket, recordFiring } from './evaluate.js'
import { matchPhrases, phraseWords } from './phrases.js'
import { compileLexicon, scoreSentiment } from './sentiment.js'
import { at, rule, schedule, ticketAt } from './test/fixtures.js'
import {
  detectConversationTrigger,
  detectMessageTrigger,
  longestFallbackRun,
  selectTriggerRules,
  transcriptExcerpt,
  triggerFiredInPeriod,
} from './triggers.js'

const defaults = DEFAULT_TRIGGER_PHRASES

// a few words of each language, with AFINN's valences; the server uses the real lists
const lexicon = compileLexicon(
  {
    terrible: -3,
    furious: -3,
    good: 3,
    bad: -3,
    worst: -3,
    'does not work': -3,
    problem: -2,
    no: -1,
    thanks: 2,
  },
  { pésimo: -2, enojado: -3, gusta: 2, cortes: -2, cortés: 2, terrible: -1 },
)

const keywordOn: InboxTriggers = {
  ...DEFAULT_INBOX_TRIGGERS,
  sentiment: { enabled: true, threshold: -4 },
}

describe('[11.1.1] phrases asking for a human or a manager', () => {
  it('[11.1.1] "I want to talk to a manager" fires; "my manager told me to write" does not', () => {
    expect(matchPhrases('I want to talk to a manager', defaults)).toEqual({
      phrase: 'talk to a manager',
      text: 'talk to a manager',
    })
    expect(matchPhrases('my manager told me to write', defaults)).toBeNull()
    expect(matchPhrases('My manager told me to write to you about the refund', defaults)).toBeNull()
    expect(
      matchPhrases('Hi, our office manager asked me to check the invoice', defaults),
    ).toBeNull()
  })

  it('[11.1.1] words match whole, in order, ignoring case, punctuation and articles', () => {
    expect(matchPhrases('I want to talk to a human now', defaults)?.text).toBe('talk to a human')
    expect(matchPhrases('Can I TALK TO THE MANAGER?!', defaults)?.text).toBe('TALK TO THE MANAGER')
    expect(matchPhrases('let me talk to your manager', defaults)?.phrase).toBe('talk to a manager')
    expect(matchPhrases('talk... to... a... human', defaults)?.text).toBe(
      'talk... to... a... human',
    )
    // a word inside another word is not the word
    expect(matchPhrases('I want to talk to a humanitarian group', defaults)).toBeNull()
    expect(matchPhrases('speak to a personal shopper', defaults)).toBeNull()
    // the words of a phrase must come together
    expect(matchPhrases('I can talk about it to a human', defaults)).toBeNull()
    expect(matchPhrases('Is there someone I can talk to today?', defaults)).toBeNull()
  })

  it('[11.1.1] Spanish, with or without accents, in either the phrase or the message', () => {
    expect(matchPhrases('¿Puedo hablar con el GERENTE, por favor?', defaults)?.text).toBe(
      'hablar con el GERENTE',
    )
    expect(matchPhrases('Necesito atención humana', defaults)?.phrase).toBe('atención humana')
    expect(matchPhrases('necesito atencion humana ya', defaults)?.text).toBe('atencion humana')
    expect(matchPhrases('Pásame con un agente', defaults)?.text).toBe('Pásame con un agente')
    expect(matchPhrases('pasame con un agente!!', defaults)?.text).toBe('pasame con un agente')
    expect(matchPhrases('Quiero hablar con una persona', defaults)?.text).toBe(
      'hablar con una persona',
    )
    expect(matchPhrases('Mi gerente me pidió escribirles', defaults)).toBeNull()
    // a phrase written with accents matches a message without, and the other way round
    expect(matchPhrases('Hablé con mi jefe', ['hable con mi jefe'])?.text).toBe('Hablé con mi jefe')
  })

  it('[11.1.4] a phrase made only of articles or punctuation has no words to match', () => {
    expect(phraseWords('the')).toEqual([])
    expect(phraseWords('!!!')).toEqual([])
    expect(phraseWords('Talk to a Manager!')).toEqual(['talk', 'to', 'manager'])
    expect(matchPhrases('the the the', ['the', '!!!'])).toBeNull()
  })

  it('[11.1.1] the longest phrase at a place wins, and the earliest place first', () => {
    const phrases = ['human', 'real human', 'manager']
    expect(matchPhrases('a real human or a manager', phrases)?.phrase).toBe('real human')
    expect(matchPhrases('manager, or a real human', phrases)?.phrase).toBe('manager')
  })
})

describe('[11.1.2] the lexicon scorer', () => {
  it('[11.1.2] sums the valences of the words it knows and names them', () => {
    expect(scoreSentiment('This is terrible, I am FURIOUS', lexicon)).toEqual({
      score: -6,
      words: [
        { text: 'terrible', score: -3 },
        { text: 'FURIOUS', score: -3 },
      ],
    })
    expect(scoreSentiment('Where is my order?', lexicon)).toEqual({ score: 0, words: [] })
  })

  it('[11.1.2] a negator up to two words before turns a valence around', () => {
    expect(scoreSentiment('not good', lexicon).score).toBe(-3)
    expect(scoreSentiment("it isn't bad", lexicon).score).toBe(3)
    expect(scoreSentiment('no me gusta', lexicon).score).toBe(-1 - 2)
    // three words back is too far
    expect(scoreSentiment('not that it is bad', lexicon).score).toBe(-3)
  })

  it('[11.1.2] entries of several words, accents folded, the first list winning a clash', () => {
    expect(scoreSentiment('The app does not work', lexicon).words).toEqual([
      { text: 'does not work', score: -3 },
    ])
    expect(scoreSentiment('Servicio PESIMO, estoy enojado', lexicon).score).toBe(-5)
    // the English list came first: its "terrible" (−3) stands
    expect(scoreSentiment('terrible', lexicon).score).toBe(-3)
    // "cortés" and "cortes" fold alike: the key written without accents wins
    expect(scoreSentiment('muy cortés', lexicon).score).toBe(-2)
  })
})

describe('[11.1.3] the bot failure trigger', () => {
  it('[11.1.3] counts bot fallbacks in a row; customer turns neither break nor extend a run', () => {
    expect(
      longestFallbackRun([
        { from: 'bot', outcome: 'fallback' },
        { from: 'customer', outcome: 'fallback' },
        { from: 'bot', outcome: 'fallback' },
        { from: 'bot', outcome: 'resolved' },
        { from: 'bot', outcome: 'fallback' },
      ]),
    ).toBe(2)
    expect(longestFallbackRun([{ from: 'customer', outcome: 'fallback' }])).toBe(0)
  })

  it('[11.1.3] N fallbacks in a row, or a handoff, fire it; fewer do not', () => {
    const turns = [
      { from: 'customer' as const, text: 'Where is my parcel?' },
      { from: 'bot' as const, text: 'Sorry, I did not get that.', outcome: 'fallback' as const },
      { from: 'customer' as const, text: 'My parcel!' },
      { from: 'bot' as const, text: 'Could you rephrase?', outcome: 'fallback' as const },
    ]
    const hit = detectConversationTrigger(DEFAULT_INBOX_TRIGGERS, turns, turns, [], false)
    expect(hit).toEqual({
      kind: 'bot_failure',
      words: [],
      reason: 'Bot failure trigger: the bot fell back 2 times in a row',
    })
    const three = {
      ...DEFAULT_INBOX_TRIGGERS,
      botFailure: { enabled: true, consecutiveFallbacks: 3 },
    }
    expect(detectConversationTrigger(three, turns, turns, [], false)).toBeNull()
    expect(detectConversationTrigger(three, turns, turns, [], true)?.reason).toBe(
      'Bot failure trigger: the bot handed the conversation over',
    )
    const off = {
      ...DEFAULT_INBOX_TRIGGERS,
      botFailure: { enabled: false, consecutiveFallbacks: 2 },
    }
    expect(detectConversationTrigger(off, turns, turns, [], true)).toBeNull()
  })

  it('[11.1.8] a customer asking for a person beats the bot failure; sentiment comes last', () => {
    const turns = [
      { from: 'bot' as const, text: 'Hi!', outcome: 'fallback' as const },
      { from: 'bot' as const, text: 'Hm?', outcome: 'fallback' as const },
      { from: 'customer' as const, text: 'The worst. Terrible. Get me a manager' },
    ]
    const scores = turns.map((turn) => scoreSentiment(turn.text, lexicon))
    expect(detectConversationTrigger(keywordOn, turns, turns, scores, true)?.kind).toBe('keyword')
    const noKeyword = { ...keywordOn, keyword: { enabled: false, phrases: [] } }
    expect(detectConversationTrigger(noKeyword, turns, turns, scores, false)?.kind).toBe(
      'bot_failure',
    )
    const onlySentiment = { ...noKeyword, botFailure: { enabled: false, consecutiveFallbacks: 2 } }
    expect(detectConversationTrigger(onlySentiment, turns, turns, scores, false)).toMatchObject({
      kind: 'sentiment',
      score: -6,
    })
    // only the turns not seen before are read for words, and an old run does not fire again
    expect(detectConversationTrigger(keywordOn, turns, [], [], false)).toBeNull()
    expect(detectConversationTrigger(keywordOn, turns, turns.slice(1, 2), [], false)?.kind).toBe(
      'bot_failure',
    )
  })
})

describe('[11.1] what a customer message sets off', () => {
  it('[11.1.1] [11.1.2] a request for a person first, then sentiment at or below the threshold', () => {
    const text = 'Terrible service, I want to talk to a human now'
    expect(detectMessageTrigger(keywordOn, text, scoreSentiment(text, lexicon))).toEqual({
      kind: 'keyword',
      words: ['talk to a human'],
      reason: 'Keyword trigger: the customer wrote "talk to a human"',
    })
    const angry = 'This is the worst, terrible, I am furious'
    expect(detectMessageTrigger(keywordOn, angry, scoreSentiment(angry, lexicon))).toEqual({
      kind: 'sentiment',
      words: ['worst', 'terrible', 'furious'],
      score: -9,
      reason:
        'Sentiment trigger: the customer\'s message scored -9 (threshold -4): "worst", "terrible", "furious"',
    })
    const mild = 'This is bad'
    expect(detectMessageTrigger(keywordOn, mild, scoreSentiment(mild, lexicon))).toBeNull()
    // at the threshold fires, one above does not
    const four = { ...keywordOn, sentiment: { enabled: true, threshold: -3 } }
    expect(detectMessageTrigger(four, mild, scoreSentiment(mild, lexicon))?.kind).toBe('sentiment')
    // sentiment is off by default
    expect(
      detectMessageTrigger(DEFAULT_INBOX_TRIGGERS, angry, scoreSentiment(angry, lexicon)),
    ).toBe(null)
  })
})

const onKeyword: RuleCondition = { field: 'trigger', operator: 'equals', value: 'keyword' }

describe('[11.1.5] which rules a trigger fires', () => {
  it('[11.1.5] only rules with a trigger condition that holds; per chain the top one', () => {
    const timed = rule('1', 30)
    const toManager = rule('2', 1, { conditions: [onKeyword] })
    const onSentiment = rule('3', 1, {
      conditions: [{ field: 'trigger', operator: 'equals', value: 'sentiment' }],
    })
    const slack = rule('4', 1, { chain: 'slack', conditions: [onKeyword] })
    const rules = [timed, toManager, onSentiment, slack]
    expect(selectTriggerRules(ticketAt(), 'keyword', rules).map((r) => r.id)).toEqual(['2', '4'])
    expect(selectTriggerRules(ticketAt(), 'sentiment', rules).map((r) => r.id)).toEqual(['3'])
    expect(selectTriggerRules(ticketAt(), 'bot_failure', rules)).toEqual([])
    expect(selectTriggerRules(ticketAt({ status: 'on_hold' }), 'keyword', rules)).toEqual([])
  })

  it("[11.1.5] the inbox's own rule, then more conditions, then the lower id", () => {
    const spaceWide = rule('1', 1, { conditions: [onKeyword] })
    const own = rule('9', 1, { inboxId: 'inbox-1', conditions: [onKeyword] })
    const urgent = rule('5', 1, {
      conditions: [onKeyword, { field: 'priority', operator: 'equals', value: 'high' }],
    })
    expect(selectTriggerRules(ticketAt(), 'keyword', [spaceWide, urgent, own])[0]?.id).toBe('9')
    expect(selectTriggerRules(ticketAt(), 'keyword', [spaceWide, urgent])[0]?.id).toBe('5')
    expect(
      selectTriggerRules(ticketAt({ priority: 'low' }), 'keyword', [spaceWide, urgent])[0]?.id,
    ).toBe('1')
    const notSentiment = rule('6', 1, {
      conditions: [{ field: 'trigger', operator: 'not_equals', value: 'sentiment' }],
    })
    expect(selectTriggerRules(ticketAt(), 'bot_failure', [notSentiment])[0]?.id).toBe('6')
  })

  it('[11.1.5] a trigger rule never fires by its clock, however long the customer waits', () => {
    const toManager = rule('2', 1, { conditions: [onKeyword] })
    const notSentiment = rule('3', 1, {
      conditions: [{ field: 'trigger', operator: 'not_equals', value: 'sentiment' }],
    })
    expect(schedule(ticketAt(), [toManager, notSentiment], null, at(0), at(600)).firings).toEqual(
      [],
    )
    expect(evaluateTicket(ticketAt(), [toManager], null, at(600))).toEqual({
      fire: null,
      nextDueAt: null,
    })
  })

  it('[11.1.5] a trigger firing answers for the timed rules of its chain due by then, not later ones', () => {
    const thirty = rule('30', 30, { businessHoursOnly: false })
    const sixty = rule('60', 60, { businessHoursOnly: false })
    const toManager = rule('t', 1, { conditions: [onKeyword] })
    const rules = [thirty, sixty, toManager]
    // the trigger fired at 30, when the 30-minute rule was due too: that one stays quiet
    const fired = recordFiring(ticketAt(), toManager, at(30))
    expect(evaluateTicket(fired, rules, null, at(30))).toEqual({ fire: null, nextDueAt: at(60) })
    const { firings } = schedule(fired, rules, null, at(30), at(200))
    expect(firings.map((f) => `${f.ruleId}@${f.at}`)).toEqual(['60@60'])
    // a trigger in another chain answers for nothing here
    const elsewhere = { ...toManager, chain: 'slack' }
    expect(
      evaluateTicket(recordFiring(ticketAt(), elsewhere, at(30)), [thirty, elsewhere], null, at(30))
        .fire?.id,
    ).toBe('30')
  })

  it('[11.1.5] a trigger of a kind fires once a waiting period', () => {
    const ticket = ticketAt({
      waitingSince: at(10),
      escalationHistory: [{ escalatedAt: at(12), ruleId: 'x', level: 1, trigger: 'keyword' }],
    })
    expect(triggerFiredInPeriod(ticket, 'keyword')).toBe(true)
    expect(triggerFiredInPeriod(ticket, 'sentiment')).toBe(false)
    expect(triggerFiredInPeriod({ ...ticket, waitingSince: at(20) }, 'keyword')).toBe(false)
  })
})

describe('[11.1.7] the transcript excerpt', () => {
  it('[11.1.7] without a bot: the last customer message, cut to fit', () => {
    expect(
      transcriptExcerpt([
        { from: 'customer', text: 'first' },
        { from: 'customer', text: 'Where is\nmy order?' },
      ]),
    ).toBe('Where is my order?')
    expect(transcriptExcerpt([{ from: 'customer', text: 'x'.repeat(50) }], 20)).toBe(
      `${'x'.repeat(17)}...`,
    )
    expect(transcriptExcerpt([])).toBe('')
  })

  it('[11.1.7] with a bot: the last turns that fit, each named, fallbacks marked', () => {
    const lines = [
      { from: 'customer' as const, text: 'Hello there, my parcel is late again' },
      { from: 'bot' as const, text: 'Track it here.', outcome: 'resolved' as const },
      { from: 'customer' as const, text: 'It says nothing' },
      { from: 'bot' as const, text: 'Sorry?', outcome: 'fallback' as const },
    ]
    expect(transcriptExcerpt(lines)).toBe(
      'Customer: Hello there, my parcel is late again / Bot: Track it here. / Customer: It says nothing / Bot (fallback): Sorry?',
    )
    expect(transcriptExcerpt(lines, 60)).toBe('Customer: It says nothing / Bot (fallback): Sorry?')
  })
})
