import { DEFAULT_INBOX_TRIGGERS, DEFAULT_TRIGGER_PHRASES } from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, groups, notificationOutbox } from '../src/db/schema.js'
import { DEFAULT_TRIGGER_RULE } from '../src/scheduling/due-instants.js'
import {
  createRule,
  customerWrites,
  fireAt,
  firingsOf,
  isolatedInbox,
  MINUTE,
  outboxOf,
  ticketRow,
} from './automation-support.js'
import { LocalHttp } from './notifications-support.js'
import { Clients } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, customerTexts, onTicket, readTicket } from './tickets-support.js'
import {
  nextEscalation,
  postConversation,
  putTriggers,
  setInboxAdmins,
  turns,
} from './triggers-support.js'

describe.each(databaseKinds())('instant triggers on $name', (kind) => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)
  const slack = new LocalHttp()
  beforeAll(async () => {
    await slack.start()
    // Slack is a local receiver
    t = await startTestApp(kind, { config: { ALLOW_PRIVATE_URLS: 'true' } })
    url = await t.listen()
  })
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t?.close()
    await slack.stop()
  })

  /** A fresh inbox whose admin is Fatima, with its triggers as given (default: the defaults). */
  async function inboxWith(triggers = DEFAULT_INBOX_TRIGGERS) {
    const inbox = await isolatedInbox(t)
    await setInboxAdmins(t, inbox.id, ['fatima@flare.test'])
    if (triggers !== DEFAULT_INBOX_TRIGGERS) {
      const res = await putTriggers(t, inbox.id, triggers)
      expect(res.statusCode).toBe(200)
    }
    return inbox
  }

  const withSentiment = {
    ...DEFAULT_INBOX_TRIGGERS,
    sentiment: { enabled: true, threshold: -4 },
  }

  describe('[11.1.4] the settings', () => {
    it('[11.1.4] an inbox starts with the defaults; members read them, writers replace them', async () => {
      const inbox = await isolatedInbox(t)
      const path = `/api/spaces/${t.spaceId}/inboxes/${inbox.id}/triggers`
      const read = await t.app.inject({
        method: 'GET',
        url: path,
        headers: { cookie: await cookieOf(t, 'gus@flare.test') },
      })
      expect(read.statusCode).toBe(200)
      expect(read.json()).toEqual({ triggers: DEFAULT_INBOX_TRIGGERS, custom: false })
      expect(read.json().triggers.keyword.phrases).toEqual(
        expect.arrayContaining(['talk to a human', 'hablar con el gerente']),
      )

      const saved = await putTriggers(t, inbox.id, {
        keyword: {
          enabled: true,
          phrases: ['  talk   to a human ', 'Talk to the HUMAN', 'hablar con el gerente'],
        },
        sentiment: { enabled: true, threshold: -6 },
        botFailure: { enabled: false, consecutiveFallbacks: 3 },
      })
      expect(saved.statusCode).toBe(200)
      // trimmed, and a phrase that matches what an earlier one does is kept once
      expect(saved.json()).toEqual({
        custom: true,
        triggers: {
          keyword: { enabled: true, phrases: ['talk to a human', 'hablar con el gerente'] },
          sentiment: { enabled: true, threshold: -6 },
          botFailure: { enabled: false, consecutiveFallbacks: 3 },
        },
      })
      const again = await t.app.inject({
        method: 'GET',
        url: path,
        headers: { cookie: await cookieOf(t, 'gus@flare.test') },
      })
      expect(again.json()).toEqual(saved.json())
      const [audit] = await t.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entity, 'inbox_triggers'), eq(auditLog.entityId, inbox.id)))
      expect(audit?.actorUserId).toBe(await t.userId('manager@flare.test'))
      expect(audit?.before).toEqual(DEFAULT_INBOX_TRIGGERS)
    })

    it('[11.1.4] [1.5.3] [10.3] agents, strangers and bad settings are refused, naming the field', async () => {
      const inbox = await isolatedInbox(t)
      const good = DEFAULT_INBOX_TRIGGERS
      expect((await putTriggers(t, inbox.id, good, 'gus@flare.test')).statusCode).toBe(403)
      const outsider = await t.app.inject({
        method: 'PUT',
        url: `/api/spaces/${t.otherSpace.spaceId}/inboxes/${inbox.id}/triggers`,
        headers: { cookie: await cookieOf(t, t.otherSpace.email) },
        payload: good,
      })
      expect(outsider.statusCode).toBe(404)
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ...good, keyword: { enabled: true, phrases: ['human', 'the'] } }, 'keyword.phrases.1'],
        [{ ...good, keyword: { enabled: true, phrases: [] } }, 'keyword.phrases'],
        [{ ...good, keyword: { enabled: true, phrases: ['x'.repeat(101)] } }, 'keyword.phrases.0'],
        [{ ...good, sentiment: { enabled: true, threshold: 2 } }, 'sentiment.threshold'],
        [
          { ...good, botFailure: { enabled: true, consecutiveFallbacks: 0 } },
          'botFailure.consecutiveFallbacks',
        ],
        [{ ...good, extra: true }, 'extra'],
        [{ keyword: good.keyword, sentiment: good.sentiment }, 'botFailure'],
      ]
      for (const [body, field] of cases) {
        const res = await putTriggers(t, inbox.id, body)
        expect(res.statusCode, field).toBe(400)
        expect(res.json().error).toMatchObject({ code: 'VALIDATION', field })
      }
      // a keyword trigger that is off may have no phrases
      const off = await putTriggers(t, inbox.id, {
        ...good,
        keyword: { enabled: false, phrases: [] },
      })
      expect(off.statusCode).toBe(200)
    })
  })

  describe('[11.1.1] phrases asking for a human or a manager', () => {
    it('[11.1.1] [11.1.6] "I want to talk to a human now" escalates at once to the inbox admins, no rule needed', async () => {
      const inbox = await inboxWith()
      const ticketId = await customerWrites(t, inbox, 'I want to talk to a human now')
      // the message left the ticket due now: the scheduler fires it through the same batch
      expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(t.clock.now())
      const processed = await t.app.scheduler.runDue(t.clock.now())
      const firings = processed.flatMap((p) => p.firings).filter((f) => f.ticket.id === ticketId)
      expect(firings).toHaveLength(1)
      const row = await ticketRow(t, ticketId)
      expect(row.escalationLevel).toBe(1)
      expect(row.pendingTriggers).toEqual([])
      expect(row.escalationHistory).toEqual([
        expect.objectContaining({
          ruleId: DEFAULT_TRIGGER_RULE.id,
          ruleName: 'Instant trigger (inbox default)',
          trigger: 'keyword',
          reason:
            'Keyword trigger: the customer wrote "talk to a human" (rule "Instant trigger (inbox default)")',
          escalatedTo: await t.userId('fatima@flare.test'),
          level: 1,
        }),
      ])
      const [firing] = await firingsOf(t, ticketId)
      expect(firing?.targetUserIds).toEqual([await t.userId('fatima@flare.test')])
      expect((await outboxOf(t, [ticketId])).map((r) => r.channel).sort()).toEqual([
        'email',
        'in_app',
      ])
      // exactly once: nothing more is due
      expect(await t.app.scheduler.runDue(t.clock.now())).toEqual([])
      expect(await firingsOf(t, ticketId)).toHaveLength(1)
    })

    it('[11.1.1] "my manager told me to write" mentions a manager without asking: nothing fires', async () => {
      const inbox = await inboxWith()
      const ticketId = await customerWrites(t, inbox, 'Hi, my manager told me to write to you')
      const row = await ticketRow(t, ticketId)
      expect(row.pendingTriggers).toEqual([])
      expect(row.nextDueAt).toBeNull()
      await fireAt(t, t.clock.now(), 1)
      expect(await firingsOf(t, ticketId)).toEqual([])
    })

    it('[11.1.1] Spanish, with accents or without, quotes the words as the customer wrote them', async () => {
      const inbox = await inboxWith()
      const a = await customerWrites(t, inbox, '¿Puedo hablar con el GERENTE? Es urgente')
      const b = await customerWrites(t, inbox, 'necesito atencion humana por favor')
      await t.app.scheduler.runDue(t.clock.now())
      expect((await ticketRow(t, a)).escalationHistory[0]?.reason).toBe(
        'Keyword trigger: the customer wrote "hablar con el GERENTE" (rule "Instant trigger (inbox default)")',
      )
      expect((await ticketRow(t, b)).escalationHistory[0]?.reason).toContain(
        'the customer wrote "atencion humana"',
      )
    })

    it('[11.1.5] "a customer asking for a manager goes to the manager" is one rule', async () => {
      const inbox = await inboxWith()
      await createRule(t, {
        name: 'Asked for a manager',
        inboxId: inbox.id,
        conditions: [{ field: 'trigger', operator: 'equals', value: 'keyword' }],
        escalateTo: 'manager',
        escalateAfterMinutes: 1,
        addInternalNote: true,
        internalNoteTemplate: '{reason} | {transcript_excerpt}',
      })
      const ticketId = await customerWrites(t, inbox, 'Hello')
      const assigned = await onTicket(t, ticketId, 'PATCH', '', {
        assignedToUserId: await t.userId('dana@flare.test'),
      })
      expect(assigned.statusCode).toBe(200)
      await customerTexts(
        t,
        inbox,
        (await ticketRow(t, ticketId)).customerPhone ?? '',
        'Let me speak to your manager.',
      )
      await t.app.scheduler.runDue(t.clock.now())
      const [firing] = await firingsOf(t, ticketId)
      expect(firing?.targetUserIds).toEqual([await t.userId('manager@flare.test')])
      const [entry] = (await ticketRow(t, ticketId)).escalationHistory
      expect(entry).toMatchObject({
        ruleName: 'Asked for a manager',
        trigger: 'keyword',
        escalationType: 'manager',
        escalatedFrom: await t.userId('dana@flare.test'),
      })
      // the rule's note has the reason and the conversation's end
      const { messages } = await readTicket(t, ticketId)
      const note = messages.find((m) => m.internal)
      expect(note?.body).toBe(
        'Keyword trigger: the customer wrote "speak to your manager" (rule "Asked for a manager") | Let me speak to your manager.',
      )
      // the rule never fires by its clock
      await fireAt(t, t.clock.now(), 600)
      expect(await firingsOf(t, ticketId)).toHaveLength(1)
    })

    it('[11.1.5] a trigger of a kind fires once a waiting period; a staff reply starts a new one', async () => {
      const inbox = await inboxWith()
      const ticketId = await customerWrites(t, inbox, 'talk to a human please')
      await t.app.scheduler.runDue(t.clock.now())
      const phone = (await ticketRow(t, ticketId)).customerPhone ?? ''
      t.clock.advance(MINUTE)
      await customerTexts(t, inbox, phone, 'HELLO?? I said I want to talk to a human')
      await t.app.scheduler.runDue(t.clock.now())
      expect(await firingsOf(t, ticketId)).toHaveLength(1)
      const reply = await onTicket(t, ticketId, 'POST', '/replies', { body: 'Hi, Dana here' })
      expect(reply.statusCode).toBe(201)
      t.clock.advance(MINUTE)
      await customerTexts(t, inbox, phone, 'No, a real person please')
      await t.app.scheduler.runDue(t.clock.now())
      expect(await firingsOf(t, ticketId)).toHaveLength(2)
    })
  })

  describe('[11.1.2] negative sentiment', () => {
    it('[11.1.2] a message at or below the threshold fires, naming its score and words; each customer message carries its score', async () => {
      const inbox = await inboxWith(withSentiment)
      const [supervisors] = await t.database.db
        .select()
        .from(groups)
        .where(eq(groups.handle, 'supervisors'))
      await createRule(t, {
        name: 'Unhappy customers',
        inboxId: inbox.id,
        conditions: [{ field: 'trigger', operator: 'equals', value: 'sentiment' }],
        escalateTo: 'team',
        escalateToTeamId: supervisors!.id,
      })
      const calm = await customerWrites(t, inbox, 'Where is my order?')
      const angry = await customerWrites(t, inbox, 'This is terrible. I am furious!')
      await t.app.scheduler.runDue(t.clock.now())
      expect(await firingsOf(t, calm)).toEqual([])
      expect((await readTicket(t, calm)).messages[0]?.sentiment).toBe(0)
      const { messages } = await readTicket(t, angry)
      expect(messages[0]?.sentiment).toBe(-6)
      const [entry] = (await ticketRow(t, angry)).escalationHistory
      expect(entry).toMatchObject({
        trigger: 'sentiment',
        ruleName: 'Unhappy customers',
        reason:
          'Sentiment trigger: the customer\'s message scored -6 (threshold -4): "terrible", "furious" (rule "Unhappy customers")',
      })
      const [firing] = await firingsOf(t, angry)
      expect([...(firing?.targetUserIds ?? [])].sort()).toEqual(
        [await t.userId('admin@flare.test'), await t.userId('manager@flare.test')].sort(),
      )
    })

    it('[11.1.2] Spanish words score too, accents or not; sentiment is off by default', async () => {
      const on = await inboxWith(withSentiment)
      const off = await inboxWith()
      const text = 'Estoy muy enojado, el servicio es pesimo y malo'
      const a = await customerWrites(t, on, text)
      const b = await customerWrites(t, off, text)
      await t.app.scheduler.runDue(t.clock.now())
      expect((await readTicket(t, a)).messages[0]?.sentiment).toBeLessThanOrEqual(-4)
      expect((await ticketRow(t, a)).escalationHistory[0]?.trigger).toBe('sentiment')
      expect(await firingsOf(t, b)).toEqual([])
    })
  })

  describe('[11.1.5] one escalation when a trigger and a timed rule are due together', () => {
    it('[11.1.5] at the 30-minute mark the customer asks for a human: one firing, the trigger; the 60 still fires', async () => {
      const inbox = await inboxWith()
      const thirty = await createRule(t, { inboxId: inbox.id, escalateAfterMinutes: 30 })
      const sixty = await createRule(t, { inboxId: inbox.id, escalateAfterMinutes: 60 })
      const start = t.clock.now()
      const ticketId = await customerWrites(t, inbox, 'Hello, my parcel is late')
      t.clock.current = new Date(start.getTime() + 30 * MINUTE)
      const phone = (await ticketRow(t, ticketId)).customerPhone ?? ''
      await customerTexts(t, inbox, phone, 'I want to talk to a human')
      const processed = await t.app.scheduler.runDue(t.clock.now())
      const fired = processed.flatMap((p) => p.firings).filter((f) => f.ticket.id === ticketId)
      expect(fired.map((f) => f.rule.id)).toEqual([DEFAULT_TRIGGER_RULE.id])
      expect(await t.app.scheduler.runDue(t.clock.now())).toEqual([])
      const history = (await ticketRow(t, ticketId)).escalationHistory
      expect(history.map((e) => e.ruleId)).toEqual([DEFAULT_TRIGGER_RULE.id])
      expect(history.map((e) => e.ruleId)).not.toContain(thirty.id)
      await fireAt(t, start, 60)
      expect((await ticketRow(t, ticketId)).escalationHistory.map((e) => e.ruleId)).toEqual([
        DEFAULT_TRIGGER_RULE.id,
        sixty.id,
      ])
    })
  })

  describe('[11.1.3] the bot handoff', () => {
    it('[11.1.3] [11.1.7] a 20-turn transcript ending in 2 fallbacks becomes a ticket and escalates at once, the pop-up carrying the transcript', async () => {
      const inbox = await inboxWith()
      const fatima = await clients.join(t.spaceId, await cookieOf(t, 'fatima@flare.test'))
      const transcript = turns(20, (botTurn) => (botTurn >= 8 ? 'fallback' : 'resolved'))
      const res = await postConversation(t.app, inbox.id, inbox.webhookSecret, {
        customer: { name: 'Priya Shah', phone: '+15557770001' },
        turns: transcript,
        conversationId: 'conv-20',
      })
      expect(res.statusCode).toBe(201)
      const answer = res.json()
      expect(answer).toEqual({
        ticketId: expect.any(String),
        ticketCreated: true,
        turnsStored: 20,
        trigger: 'bot_failure',
      })
      const { ticket, messages } = await readTicket(t, answer.ticketId)
      expect(ticket.subject).toBe('Customer turn 1: my parcel 4821 is late')
      expect(ticket.waitingSince).toBe(t.clock.now().toISOString())
      expect(messages).toHaveLength(20)
      expect(messages.map((m) => m.authorKind)).toEqual(
        transcript.map((turn) => (turn.from === 'bot' ? 'bot' : 'customer')),
      )
      expect(messages.map((m) => m.body)).toEqual(transcript.map((turn) => turn.text))
      expect(messages.at(-1)?.botOutcome).toBe('fallback')
      expect(messages[1]?.botOutcome).toBe('resolved')
      expect(messages[0]?.sentiment).toBeTypeOf('number')
      expect(messages[1]?.sentiment).toBeUndefined()

      const arrived = nextEscalation(fatima.client, answer.ticketId)
      await t.app.scheduler.runDue(t.clock.now())
      const event = await arrived
      expect(event.reason).toBe(
        'Bot failure trigger: the bot fell back 2 times in a row (rule "Instant trigger (inbox default)")',
      )
      expect(event.trigger).toEqual({ kind: 'bot_failure', words: [] })
      expect(event.transcriptTurns).toBe(20)
      expect(event.transcript?.map((turn) => turn.text)).toEqual(
        transcript.slice(12).map((turn) => turn.text),
      )
      expect(event.transcript?.at(-1)).toMatchObject({ from: 'bot', outcome: 'fallback' })
    })

    it('[11.1.3] a longer transcript of the same conversation adds only its new turns; a repeat adds nothing', async () => {
      const inbox = await inboxWith()
      const customer = { email: 'lucia@example.com' }
      const first = await postConversation(t.app, inbox.id, inbox.webhookSecret, {
        customer,
        turns: turns(4),
        conversationId: 'conv-grow',
      })
      expect(first.json()).toMatchObject({ ticketCreated: true, turnsStored: 4, trigger: null })
      const longer = await postConversation(t.app, inbox.id, inbox.webhookSecret, {
        customer,
        turns: [...turns(4), { from: 'customer', text: 'Still there?' }],
        conversationId: 'conv-grow',
      })
      expect(longer.statusCode).toBe(201)
      expect(longer.json()).toMatchObject({
        ticketId: first.json().ticketId,
        ticketCreated: false,
        turnsStored: 1,
      })
      const repeat = await postConversation(t.app, inbox.id, inbox.webhookSecret, {
        customer,
        turns: [...turns(4), { from: 'customer', text: 'Still there?' }],
        conversationId: 'conv-grow',
      })
      expect(repeat.statusCode).toBe(200)
      expect(repeat.json()).toEqual({
        ticketId: first.json().ticketId,
        ticketCreated: false,
        turnsStored: 0,
        trigger: null,
      })
      expect((await readTicket(t, first.json().ticketId)).messages).toHaveLength(5)
    })

    it('[11.1.3] [11.1.8] handoff fires without fallbacks; fewer fallbacks than the inbox asks do not; a request for a person comes first', async () => {
      const inbox = await inboxWith({
        ...DEFAULT_INBOX_TRIGGERS,
        botFailure: { enabled: true, consecutiveFallbacks: 3 },
      })
      const two = await postConversation(t.app, inbox.id, inbox.webhookSecret, {
        customer: { phone: '+15557770002' },
        turns: turns(6, (n) => (n >= 1 ? 'fallback' : 'resolved')),
      })
      expect(two.json().trigger).toBeNull()
      const handoff = await postConversation(t.app, inbox.id, inbox.webhookSecret, {
        customer: { phone: '+15557770003' },
        turns: turns(2),
        handoff: true,
      })
      expect(handoff.json().trigger).toBe('bot_failure')
      const asked = await postConversation(t.app, inbox.id, inbox.webhookSecret, {
        customer: { phone: '+15557770004' },
        turns: [...turns(2), { from: 'customer', text: 'Can I speak to an agent?' }],
        handoff: true,
      })
      expect(asked.json().trigger).toBe('keyword')
      await t.app.scheduler.runDue(t.clock.now())
      expect((await ticketRow(t, handoff.json().ticketId)).escalationHistory[0]?.reason).toBe(
        'Bot failure trigger: the bot handed the conversation over (rule "Instant trigger (inbox default)")',
      )
      expect((await ticketRow(t, asked.json().ticketId)).escalationHistory[0]?.reason).toContain(
        'Keyword trigger: the customer wrote "speak to an agent"',
      )
      expect(await firingsOf(t, two.json().ticketId)).toEqual([])
    })

    it('[11.1.3] [10.3] wrong secrets and bad conversations are refused, naming the field, and change nothing', async () => {
      const inbox = await inboxWith()
      const other = await inboxWith()
      const good = { customer: { phone: '+15557770009' }, turns: turns(2) }
      expect((await postConversation(t.app, inbox.id, null, good)).statusCode).toBe(401)
      expect((await postConversation(t.app, inbox.id, other.webhookSecret, good)).statusCode).toBe(
        401,
      )
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ...good, turns: [] }, 'turns'],
        [{ ...good, turns: [{ from: 'customer', text: '' }] }, 'turns.0.text'],
        [{ ...good, turns: [{ from: 'customer', text: '   ' }] }, 'turns.0.text'],
        [{ ...good, turns: [{ from: 'agent', text: 'hi' }] }, 'turns.0.from'],
        [{ ...good, turns: [{ from: 'bot', text: 'hi', outcome: 'maybe' }] }, 'turns.0.outcome'],
        [{ ...good, turns: [{ from: 'bot', text: 'hi', outcome: 'resolved' }] }, 'turns'],
        [{ ...good, turns: turns(201) }, 'turns'],
        [{ ...good, turns: [{ from: 'customer', text: 'hi', extra: 1 }] }, 'turns.0.extra'],
        [{ ...good, customer: {} }, 'customer'],
        [{ ...good, customer: { phone: 'call me' } }, 'customer.phone'],
        [{ ...good, handoff: 'yes' }, 'handoff'],
        [{ customer: good.customer }, 'turns'],
      ]
      for (const [body, field] of cases) {
        const res = await postConversation(t.app, inbox.id, inbox.webhookSecret, body)
        expect(res.statusCode, field).toBe(400)
        expect(res.json().error).toMatchObject({ code: 'VALIDATION', field })
      }
      const list = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}/tickets?inboxId=${inbox.id}`,
        headers: { cookie: await cookieOf(t, 'dana@flare.test') },
      })
      expect(list.json().tickets).toEqual([])
    })
  })

  describe('[11.1.7] the transcript in notifications', () => {
    it('[11.1.7] email, SMS and Slack carry {transcript_excerpt}: the end of the bot conversation', async () => {
      const inbox = await inboxWith()
      const dana = await t.userId('dana@flare.test')
      await t.app.inject({
        method: 'PUT',
        url: `/api/spaces/${t.spaceId}/integrations/slack`,
        headers: { cookie: await cookieOf(t, 'manager@flare.test') },
        payload: { webhookUrl: `${slack.url}/services/T/B/X` },
      })
      await createRule(t, {
        inboxId: inbox.id,
        conditions: [{ field: 'trigger', operator: 'in', value: ['bot_failure'] }],
        escalateTo: 'phone',
        recipientPhone: '+14155550123',
        notificationChannels: ['sms', 'slack'],
      })
      await createRule(t, {
        inboxId: inbox.id,
        chain: 'mail',
        conditions: [{ field: 'trigger', operator: 'equals', value: 'bot_failure' }],
        escalateTo: 'specific_user',
        escalateToUserId: dana,
        notificationChannels: ['email'],
      })
      const res = await postConversation(t.app, inbox.id, inbox.webhookSecret, {
        customer: { name: 'Amara Obi', phone: '+15557770010' },
        turns: [
          { from: 'customer', text: 'My card was charged twice' },
          { from: 'bot', text: 'I can help with cards!', outcome: 'resolved' },
          { from: 'customer', text: 'Refund the second charge' },
          { from: 'bot', text: 'Sorry, I did not understand.', outcome: 'fallback' },
          { from: 'customer', text: 'REFUND' },
          { from: 'bot', text: 'Could you rephrase?', outcome: 'fallback' },
        ],
      })
      const ticketId = res.json().ticketId
      await t.app.scheduler.runDue(t.clock.now())
      await t.app.notifications.runDue(t.clock.now())
      const rows = await t.database.db
        .select()
        .from(notificationOutbox)
        .where(eq(notificationOutbox.ticketId, ticketId))
      const text = (channel: string) =>
        rows.find((r) => r.channel === channel)?.captured?.text ?? ''
      expect(rows.map((r) => r.channel).sort()).toEqual(['email', 'slack', 'sms'])
      expect(text('email')).toContain('Customer: REFUND / Bot (fallback): Could you rephrase?')
      expect(text('email')).toContain('Bot failure trigger: the bot fell back 2 times in a row')
      expect(text('sms')).toContain('Bot (fallback): Could you rephrase?')
      expect(text('sms').length).toBeLessThanOrEqual(160)
      const [posted] = await slack.waitFor('/services/', 1)
      expect(posted?.body).toContain('Customer: REFUND / Bot (fallback): Could you rephrase?')
    })
  })

  it('[11.1.1] the default phrases never fire on messages that only mention a manager or a person', () => {
    // a guard on the list itself: each phrase names a request, not a person alone
    for (const phrase of DEFAULT_TRIGGER_PHRASES) {
      expect(['manager', 'human', 'person', 'agent', 'gerente', 'persona']).not.toContain(
        phrase.toLowerCase(),
      )
    }
  })
})
