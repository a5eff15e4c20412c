import type {
  AcknowledgeChannel,
  PerspectiveItem,
  TicketAcknowledgedEvent,
  TicketEscalatedEvent,
  TicketReleasedEvent,
} from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRuleFiringScheduler } from '../src/automation/rule-firing-scheduler.js'
import { notificationOutbox, ticketMessages, tickets, users } from '../src/db/schema.js'
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
import { type Client, Clients, emitAck } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, postSms } from './tickets-support.js'

const PUBLIC_URL = 'https://flare.example.com'

function next<T>(c: Client, event: string): Promise<T> {
  return new Promise((resolve) => {
    ;(c.once as (e: string, l: (v: T) => void) => void).call(c, event, resolve)
  })
}

/** The path of the first "I'm on it" link in a text (links point at PUBLIC_URL). */
function ackPathIn(text: string): string {
  const link = text.match(/https:\/\/flare\.example\.com(\/ack\/[A-Za-z0-9_.-]+)/)?.[1]
  if (!link) throw new Error(`no ack link in: ${text}`)
  return link
}

describe.each(databaseKinds())('"I\'m on it" and acknowledgement timeouts on $name', (kind) => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)
  const slack = new LocalHttp()

  beforeAll(async () => {
    await slack.start()
    t = await startTestApp(kind, {
      config: { PUBLIC_URL, ALLOW_PRIVATE_URLS: 'true' },
    })
    url = await t.listen()
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/integrations/slack`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { webhookUrl: `${slack.url}/hook` },
    })
    expect(res.statusCode).toBe(200)
  }, 120_000)
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t?.close()
    await slack.stop()
  })

  const id = (email: string) => t.userId(email)

  /**
   * A chain in a fresh inbox: level 1 after 5 minutes to Dana (answer within 1 minute), level
   * 2 after 30 minutes to Max; a customer writes now.
   */
  async function chain(
    level1: Record<string, unknown> = {},
    level2: Record<string, unknown> | null = {},
  ) {
    const inbox = await isolatedInbox(t)
    const first = await createRule(t, {
      name: 'Level 1',
      inboxId: inbox.id,
      escalateAfterMinutes: 5,
      escalateTo: 'specific_user',
      escalateToUserId: await id('dana@flare.test'),
      notificationChannels: ['in_app'],
      acknowledgeWithinMinutes: 1,
      ...level1,
    })
    const second = level2
      ? await createRule(t, {
          name: 'Level 2',
          inboxId: inbox.id,
          escalateAfterMinutes: 30,
          escalateTo: 'specific_user',
          escalateToUserId: await id('manager@flare.test'),
          notificationChannels: ['in_app'],
          ...level2,
        })
      : null
    const start = t.clock.now()
    const ticketId = await customerWrites(t, inbox)
    return { inbox, first, second, start, ticketId }
  }

  async function firingOfRule(ticketId: string, ruleId: string) {
    const firing = (await firingsOf(t, ticketId)).find((f) => f.ruleId === ruleId)
    if (!firing) throw new Error('rule did not fire')
    return firing
  }

  async function post(
    path: string,
    email: string | null,
    payload?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    return t.app.inject({
      method: 'POST',
      url: path,
      headers: { ...(email ? { cookie: await cookieOf(t, email) } : {}), ...headers },
      ...(payload !== undefined ? { payload } : {}),
    })
  }

  const firingPath = (firingId: string, action: string) =>
    `/api/spaces/${t.spaceId}/firings/${firingId}/${action}`

  it('[11.2.3] a firing nobody takes climbs to the next level when its minute is up, once, and the chain then keeps quiet', async () => {
    const { first, second, start, ticketId } = await chain()
    await fireAt(t, start, 5)
    const fired = await ticketRow(t, ticketId)
    expect(fired.escalationHistory.map((e) => e.ruleId)).toEqual([first.id])
    // the deadline is the ticket's next due instant: the one scheduler wakes for it
    expect(fired.nextDueAt).toEqual(new Date(start.getTime() + 6 * MINUTE))

    await fireAt(t, start, 5.99)
    expect((await ticketRow(t, ticketId)).escalationHistory).toHaveLength(1)
    await fireAt(t, start, 6)
    const climbed = await ticketRow(t, ticketId)
    expect(climbed.escalationHistory.map((e) => [e.ruleId, e.level, e.cause])).toEqual([
      [first.id, 1, undefined],
      [second!.id, 2, 'acknowledge_timeout'],
    ])
    expect(climbed.escalationHistory[1]?.reason).toBe(
      'Nobody took level 1 within 1 minute (rule "Level 1"): on to the next level (rule "Level 2")',
    )
    const firing = await firingOfRule(ticketId, second!.id)
    expect(firing.targetUserIds).toEqual([await id('manager@flare.test')])
    // level 2's own threshold passes: it fired in this period already
    await fireAt(t, start, 120)
    expect((await ticketRow(t, ticketId)).escalationHistory).toHaveLength(2)
  })

  it('[11.2.3] exactly once with two schedulers on one database at the deadline', async () => {
    const { second, start, ticketId } = await chain()
    await fireAt(t, start, 5)
    // another process's scheduler, on the same database and clock
    const other = createRuleFiringScheduler({
      database: t.database,
      clock: t.clock.now,
      log: t.app.log,
      delivered: async () => {},
    })
    t.clock.current = new Date(start.getTime() + 6 * MINUTE)
    const [a, b] = await Promise.all([
      t.app.scheduler.runDue(t.clock.now()),
      other.runDue(t.clock.now()),
    ])
    const climbs = [...a, ...b].flatMap((p) =>
      p.ticket.id === ticketId ? p.firings.map((f) => f.rule.id) : [],
    )
    expect(climbs).toEqual([second!.id])
    expect((await firingsOf(t, ticketId)).filter((f) => f.ruleId === second!.id)).toHaveLength(1)
    expect((await ticketRow(t, ticketId)).escalationHistory).toHaveLength(2)
  })

  it('[11.2.3] at the top of the chain it goes once to the fallback target', async () => {
    const fatima = await id('fatima@flare.test')
    const { first, start, ticketId } = await chain(
      { fallback: { escalateTo: 'specific_user', escalateToUserId: fatima } },
      null,
    )
    await fireAt(t, start, 5)
    await fireAt(t, start, 6)
    await fireAt(t, start, 600)
    const history = (await ticketRow(t, ticketId)).escalationHistory
    expect(history.map((e) => [e.ruleId, e.cause, e.escalatedTo, e.escalationType])).toEqual([
      [first.id, undefined, await id('dana@flare.test'), 'specific_user'],
      [first.id, 'fallback', fatima, 'specific_user'],
    ])
    expect(history[1]?.reason).toBe(
      'Nobody took level 1 within 1 minute (rule "Level 1"): sent to its fallback',
    )
    const firings = await firingsOf(t, ticketId)
    expect(firings.map((f) => f.targetUserIds)).toEqual([[await id('dana@flare.test')], [fatima]])
  })

  it('[11.2.1] [11.2.2] "I\'m on it" from the pop-up stops the chain, and every member sees who took it', async () => {
    const dana = await clients.join(t.spaceId, await cookieOf(t, 'dana@flare.test'))
    const eli = await clients.join(t.spaceId, await cookieOf(t, 'eli@flare.test'))
    const { second, start, ticketId } = await chain({ acknowledgeWithinMinutes: 10 }, {})
    const escalated = next<TicketEscalatedEvent>(dana.client, 'ticket:escalated')
    await fireAt(t, start, 5)
    const event = await escalated
    expect(event.chain).toBe('default')

    t.clock.current = new Date(start.getTime() + 7 * MINUTE)
    const eliHears = next<TicketAcknowledgedEvent>(eli.client, 'ticket:acknowledged')
    const taken = await emitAck<{ acknowledged: TicketAcknowledgedEvent }>(
      dana.client,
      'ticket:acknowledge',
      { firingId: event.firingId },
    )
    expect(taken).toMatchObject({
      ok: true,
      acknowledged: { userId: await id('dana@flare.test'), via: 'app', snoozedUntil: null },
    })
    // not a target, but in the space: the ticket list and the cards show who took it
    expect(await eliHears).toMatchObject({ ticketId, userId: await id('dana@flare.test') })
    const row = await ticketRow(t, ticketId)
    expect(row.acknowledgements).toEqual([
      {
        chain: 'default',
        firingId: event.firingId,
        level: 1,
        userId: await id('dana@flare.test'),
        acknowledgedAt: new Date(start.getTime() + 7 * MINUTE).toISOString(),
        via: 'app',
        snoozedUntil: null,
        endedAt: null,
        endReason: null,
      },
    ])
    expect(row.nextDueAt).toBeNull()
    // neither the deadline nor level 2's own threshold fires while she is on it
    await fireAt(t, start, 15)
    await fireAt(t, start, 45)
    expect((await ticketRow(t, ticketId)).escalationHistory).toHaveLength(1)
    expect((await firingsOf(t, ticketId)).some((f) => f.ruleId === second!.id)).toBe(false)
    // the ticket's log says who took it, and from where
    const notes = await t.database.db
      .select({ body: ticketMessages.body })
      .from(ticketMessages)
      .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.internal, true)))
    expect(notes.map((n) => n.body)).toContain('Dana Reyes is on it (level 1, from the app).')
  })

  it('[11.2.2] the customer writing again re-arms the chain: what came due fires at once', async () => {
    const { inbox, first, second, start, ticketId } = await chain({ acknowledgeWithinMinutes: 10 })
    await fireAt(t, start, 5)
    const firing = await firingOfRule(ticketId, first.id)
    expect((await post(firingPath(firing.id, 'acknowledge'), 'dana@flare.test')).statusCode).toBe(
      200,
    )
    await fireAt(t, start, 40)
    expect((await ticketRow(t, ticketId)).escalationHistory).toHaveLength(1)

    // the customer writes again at 41: level 2 (due at 30) fires now, nobody having answered
    t.clock.current = new Date(start.getTime() + 41 * MINUTE)
    const phone = (await t.database.db.select().from(tickets).where(eq(tickets.id, ticketId)))[0]!
      .customerPhone!
    const res = await postSms(
      t.app,
      {
        From: phone,
        To: inbox.channelAddress ?? '',
        Body: 'hello??',
        MessageSid: `SMre${Date.now()}`,
      },
      inbox.webhookSecret,
    )
    expect(res.statusCode).toBe(200)
    const rearmed = await ticketRow(t, ticketId)
    expect(rearmed.acknowledgements[0]).toMatchObject({
      endReason: 'customer_wrote',
      endedAt: new Date(start.getTime() + 41 * MINUTE).toISOString(),
    })
    expect(rearmed.nextDueAt).toEqual(new Date(start.getTime() + 41 * MINUTE))
    await t.app.scheduler.runDue(t.clock.now())
    expect((await ticketRow(t, ticketId)).escalationHistory.map((e) => e.ruleId)).toEqual([
      first.id,
      second!.id,
    ])
  })

  it('[11.2.2] a resolved and reopened ticket starts its new open life with nobody on it', async () => {
    const { first, start, ticketId } = await chain(
      { clock: 'age', acknowledgeWithinMinutes: 10 },
      null,
    )
    await fireAt(t, start, 5)
    const before = await firingOfRule(ticketId, first.id)
    t.clock.current = new Date(start.getTime() + 6 * MINUTE)
    await post(firingPath(before.id, 'acknowledge'), 'dana@flare.test')
    const manager = await cookieOf(t, 'manager@flare.test')
    const patch = (status: string) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/spaces/${t.spaceId}/tickets/${ticketId}`,
        headers: { cookie: manager },
        payload: { status },
      })
    t.clock.current = new Date(start.getTime() + 10 * MINUTE)
    expect((await patch('resolved')).statusCode).toBe(200)
    t.clock.current = new Date(start.getTime() + 11 * MINUTE)
    expect((await patch('open')).statusCode).toBe(200)
    // the age clock starts again at 11: level 1 fires at 16, the old acknowledgement silencing nothing
    await fireAt(t, start, 16)
    const firings = (await firingsOf(t, ticketId)).filter((f) => f.ruleId === first.id)
    expect(firings).toHaveLength(2)
    const again = firings.find((f) => f.id !== before.id)!
    t.clock.current = new Date(start.getTime() + 17 * MINUTE)
    const res = await post(firingPath(again.id, 'acknowledge'), 'dana@flare.test')
    expect(res.json().acknowledged).toMatchObject({
      firingId: again.id,
      at: new Date(start.getTime() + 17 * MINUTE).toISOString(),
    })
  })

  it('[11.2.2] letting go gives the chain back: the deadline runs again from then; only the acknowledger (or a manager) may', async () => {
    const { first, second, start, ticketId } = await chain()
    await fireAt(t, start, 5)
    const firing = await firingOfRule(ticketId, first.id)
    t.clock.current = new Date(start.getTime() + 5.5 * MINUTE)
    await post(firingPath(firing.id, 'acknowledge'), 'dana@flare.test')

    const refused = await post(firingPath(firing.id, 'let-go'), 'eli@flare.test')
    expect(refused.statusCode).toBe(403)
    t.clock.current = new Date(start.getTime() + 20 * MINUTE)
    const eli = await clients.join(t.spaceId, await cookieOf(t, 'eli@flare.test'))
    const heard = next<TicketReleasedEvent>(eli.client, 'ticket:released')
    const res = await post(firingPath(firing.id, 'let-go'), 'dana@flare.test')
    expect(res.statusCode).toBe(200)
    expect(res.json().released).toMatchObject({
      ticketId,
      userId: await id('dana@flare.test'),
      by: await id('dana@flare.test'),
    })
    expect((await heard).firingId).toBe(firing.id)
    expect((await ticketRow(t, ticketId)).acknowledgements[0]).toMatchObject({
      endReason: 'let_go',
    })
    // nobody takes it again within the minute: it climbs at 21
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(
      new Date(start.getTime() + 21 * MINUTE),
    )
    await fireAt(t, start, 21)
    expect((await ticketRow(t, ticketId)).escalationHistory.map((e) => e.ruleId)).toEqual([
      first.id,
      second!.id,
    ])
    // nothing left to let go of
    expect((await post(firingPath(firing.id, 'let-go'), 'dana@flare.test')).statusCode).toBe(409)
  })

  it("[11.2.4] snoozing is the acknowledger's logged choice: quiet for N minutes, then the chain goes on", async () => {
    const { first, second, start, ticketId } = await chain(
      { acknowledgeWithinMinutes: 10 },
      {
        escalateAfterMinutes: 8,
      },
    )
    await fireAt(t, start, 5)
    const firing = await firingOfRule(ticketId, first.id)
    t.clock.current = new Date(start.getTime() + 6 * MINUTE)
    // someone the firing did not go to may not snooze it
    expect(
      (await post(firingPath(firing.id, 'snooze'), 'eli@flare.test', { minutes: 10 })).statusCode,
    ).toBe(403)
    expect(
      (await post(firingPath(firing.id, 'snooze'), 'dana@flare.test', { minutes: 0 })).statusCode,
    ).toBe(400)
    const res = await post(firingPath(firing.id, 'snooze'), 'dana@flare.test', { minutes: 10 })
    expect(res.statusCode).toBe(200)
    const until = new Date(start.getTime() + 16 * MINUTE)
    expect(res.json().acknowledged).toMatchObject({
      userId: await id('dana@flare.test'),
      snoozedUntil: until.toISOString(),
    })
    const notes = await t.database.db
      .select({ body: ticketMessages.body })
      .from(ticketMessages)
      .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.internal, true)))
    expect(notes.map((n) => n.body)).toContain(
      `Dana Reyes snoozed the escalation for 10 minutes: unless the customer is answered, it goes on at ${until.toISOString().slice(11, 16)} UTC.`,
    )
    // someone else cannot snooze what Dana has
    expect(
      (await post(firingPath(firing.id, 'snooze'), 'manager@flare.test', { minutes: 5 }))
        .statusCode,
    ).toBe(403)
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(until)
    await fireAt(t, start, 15.9)
    expect((await ticketRow(t, ticketId)).escalationHistory).toHaveLength(1)
    // level 2 came due at 8, during the snooze: it fires when the snooze ends
    await fireAt(t, start, 16)
    expect((await ticketRow(t, ticketId)).escalationHistory.map((e) => e.ruleId)).toEqual([
      first.id,
      second!.id,
    ])
  })

  it("[11.2.1] the push notification's action takes it over REST; someone it did not go to is refused", async () => {
    const { first, start, ticketId } = await chain()
    await fireAt(t, start, 5)
    const firing = await firingOfRule(ticketId, first.id)
    expect((await post(firingPath(firing.id, 'acknowledge'), 'eli@flare.test')).statusCode).toBe(
      403,
    )
    const res = await post(firingPath(firing.id, 'acknowledge'), 'dana@flare.test', undefined, {
      'x-flare-via': 'push',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().acknowledged).toMatchObject({
      via: 'push',
      userId: await id('dana@flare.test'),
    })
    await fireAt(t, start, 60)
    expect((await ticketRow(t, ticketId)).escalationHistory).toHaveLength(1)
  })

  it("[11.2.1] the email's signed link: opening it changes nothing, its button takes it", async () => {
    const { first, start, ticketId } = await chain({ notificationChannels: ['email'] })
    await fireAt(t, start, 5)
    await t.app.notifications.runDue(t.clock.now())
    const [email] = (await outboxOf(t, [ticketId])).filter((r) => r.channel === 'email')
    expect(email?.state).toBe('sent')
    const path = ackPathIn(email!.captured!.text)
    expect(email!.captured!.html).toContain(`href="${PUBLIC_URL}${path}"`)

    // a link scanner opens it: a confirm page, and nothing is taken
    const page = await t.app.inject({ method: 'GET', url: path })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toContain('text/html')
    expect(page.body).toContain(`<form method="post" action="${path}">`)
    expect((await ticketRow(t, ticketId)).acknowledgements).toEqual([])

    // a tampered link is refused
    const forged = `${path.slice(0, -2)}${path.endsWith('AA') ? 'BB' : 'AA'}`
    expect((await t.app.inject({ method: 'POST', url: forged })).statusCode).toBe(410)

    const taken = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    })
    expect(taken.statusCode).toBe(200)
    expect(taken.body).toContain('You’re on it.')
    const firing = await firingOfRule(ticketId, first.id)
    expect((await ticketRow(t, ticketId)).acknowledgements[0]).toMatchObject({
      firingId: firing.id,
      userId: await id('dana@flare.test'),
    })
    // pressed again (or by a second scanner): who has it, and nothing changes
    const again = await t.app.inject({ method: 'POST', url: path })
    expect(again.body).toContain('You’re on it.')
    await fireAt(t, start, 60)
    expect((await ticketRow(t, ticketId)).escalationHistory).toHaveLength(1)

    // a day after the firing the link has expired
    t.clock.current = new Date(start.getTime() + 5 * MINUTE + 24 * 60 * MINUTE + 1000)
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(410)
  })

  it('[1.5.6] the link of a member removed from the space since shows nothing of the ticket', async () => {
    const [leaver] = await t.database.db
      .insert(users)
      .values({ email: 'lena@flare.test', displayName: 'Lena Park', passwordHash: 'x' })
      .returning({ id: users.id })
    const added = await post(`/api/spaces/${t.spaceId}/members`, 'admin@flare.test', {
      email: 'lena@flare.test',
      role: 'agent',
    })
    expect(added.statusCode).toBe(201)
    const inbox = await isolatedInbox(t)
    await createRule(t, {
      inboxId: inbox.id,
      escalateAfterMinutes: 5,
      escalateTo: 'assigned',
      notificationChannels: ['email'],
    })
    const start = t.clock.now()
    const ticketId = await customerWrites(t, inbox, 'Private: my card ends 4242')
    const assigned = await t.app.inject({
      method: 'PATCH',
      url: `/api/spaces/${t.spaceId}/tickets/${ticketId}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { assignedToUserId: leaver!.id },
    })
    expect(assigned.statusCode).toBe(200)
    await fireAt(t, start, 5)
    await t.app.notifications.runDue(t.clock.now())
    const [email] = (await outboxOf(t, [ticketId])).filter((r) => r.channel === 'email')
    expect(email?.target).toBe(`user:${leaver!.id}`)
    const path = ackPathIn(email!.captured!.text)
    const subject = (await ticketRow(t, ticketId)).subject
    const before = await t.app.inject({ method: 'GET', url: path })
    expect(before.statusCode).toBe(200)
    expect(before.body).toContain(subject)

    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${t.spaceId}/members/${leaver!.id}`,
      headers: { cookie: await cookieOf(t, 'admin@flare.test') },
    })
    expect(removed.statusCode).toBe(204)
    const after = await t.app.inject({ method: 'GET', url: path })
    expect(after.statusCode).toBe(410)
    expect(after.body).not.toContain(subject)
    const pressed = await t.app.inject({ method: 'POST', url: path })
    expect(pressed.body).not.toContain('You’re on it.')
    expect((await ticketRow(t, ticketId)).acknowledgements).toEqual([])
  })

  it("[11.2.1] the Slack message's link takes it for the member who signs in, not for a scanner", async () => {
    const { first, start, ticketId } = await chain({ notificationChannels: ['slack'] })
    await fireAt(t, start, 5)
    const before = slack.to('/hook').length
    await t.app.notifications.runDue(t.clock.now())
    const [request] = (await slack.waitFor('/hook', before + 1)).slice(before)
    const blocks = JSON.parse(request!.body).blocks as Array<{
      type: string
      elements?: Array<{ text?: { text: string }; url?: string }>
    }>
    const button = blocks
      .find((b) => b.type === 'actions')
      ?.elements?.find((e) => e.text?.text === 'I’m on it')
    const path = ackPathIn(button?.url ?? '')

    expect((await t.app.inject({ method: 'GET', url: path })).body).toContain('Sign in')
    const anonymous = await t.app.inject({ method: 'POST', url: path })
    expect(anonymous.statusCode).toBe(401)
    expect((await ticketRow(t, ticketId)).acknowledgements).toEqual([])

    // any member of the space who signs in may take it from the team's channel
    const taken = await post(path, 'eli@flare.test')
    expect(taken.statusCode).toBe(200)
    expect((await ticketRow(t, ticketId)).acknowledgements[0]).toMatchObject({
      firingId: (await firingOfRule(ticketId, first.id)).id,
      userId: await id('eli@flare.test'),
    })
    // someone of another space gets nothing
    const outsider = await post(path, t.otherSpace.email)
    expect(outsider.statusCode).toBe(401)
  })

  it("[11.2.1] a reply code to the SMS forward, from a member's phone, takes it through the inbound SMS route", async () => {
    const danaPhone = '+15550142'
    await t.database.db
      .update(users)
      .set({ phone: danaPhone })
      .where(eq(users.id, await id('dana@flare.test')))
    const { inbox, first, start, ticketId } = await chain({ notificationChannels: ['sms'] })
    await fireAt(t, start, 5)
    await t.app.notifications.runDue(t.clock.now())
    const [sms] = (await outboxOf(t, [ticketId])).filter((r) => r.channel === 'sms')
    expect(sms?.captured?.to).toBe(danaPhone)
    expect(sms?.captured?.from).toBe(inbox.channelAddress)
    const code = sms?.captured?.text.match(/Reply (\d{4}) if on it/)?.[1]
    expect(code).toMatch(/^\d{4}$/)

    const before = (await t.database.db.select().from(tickets).where(eq(tickets.inboxId, inbox.id)))
      .length
    // a code that matches none of her forwards is answered as such, and takes nothing
    const wrongCode = code === '0000' ? '0001' : '0000'
    const wrong = await postSms(
      t.app,
      {
        From: danaPhone,
        To: inbox.channelAddress ?? '',
        Body: wrongCode,
        MessageSid: `SMwrong${Date.now()}`,
      },
      inbox.webhookSecret,
    )
    expect(wrong.body).toContain(`has the code ${wrongCode}`)
    expect((await ticketRow(t, ticketId)).acknowledgements).toEqual([])
    const reply = await postSms(
      t.app,
      {
        From: '+1 555 0142',
        To: inbox.channelAddress ?? '',
        Body: ` ${code} `,
        MessageSid: `SMack${Date.now()}`,
      },
      inbox.webhookSecret,
    )
    expect(reply.statusCode).toBe(200)
    expect(reply.body).toContain('<Message>Flare: You are on it: ')
    const ack = (await ticketRow(t, ticketId)).acknowledgements[0]
    expect(ack).toMatchObject({
      firingId: (await firingOfRule(ticketId, first.id)).id,
      userId: await id('dana@flare.test'),
    })
    // her reply opened no ticket of its own
    expect(
      (await t.database.db.select().from(tickets).where(eq(tickets.inboxId, inbox.id))).length,
    ).toBe(before)
    await fireAt(t, start, 60)
    expect((await ticketRow(t, ticketId)).escalationHistory).toHaveLength(1)
  })

  it("[11.2.1] the phone preset's forward: the phone's owner replies 1 to take the latest", async () => {
    const maxPhone = '+15550177'
    await t.database.db
      .update(users)
      .set({ phone: maxPhone })
      .where(eq(users.id, await id('manager@flare.test')))
    const inbox = await isolatedInbox(t)
    const manager = await cookieOf(t, 'manager@flare.test')
    const set = await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/inboxes/${inbox.id}/escalation-phone`,
      headers: { cookie: manager },
      payload: { enabled: true, phone: maxPhone, minutes: 1 },
    })
    expect(set.statusCode).toBe(200)
    await t.app.dueRecompute.runPending()
    const start = t.clock.now()
    const ticketId = await customerWrites(t, inbox, 'Where is my refund?')
    await fireAt(t, start, 1)
    await t.app.notifications.runDue(t.clock.now())
    const [sms] = (await outboxOf(t, [ticketId])).filter((r) => r.channel === 'sms')
    expect(sms?.target).toBe(`phone:${maxPhone}`)
    const reply = await postSms(
      t.app,
      {
        From: maxPhone,
        To: inbox.channelAddress ?? '',
        Body: '1',
        MessageSid: `SMone${Date.now()}`,
      },
      inbox.webhookSecret,
    )
    expect(reply.body).toContain('You are on it')
    expect((await ticketRow(t, ticketId)).acknowledgements[0]).toMatchObject({
      chain: `phone:${inbox.id}`,
      userId: await id('manager@flare.test'),
    })
    // a stranger's "1" is a customer's message, as before
    const stranger = await postSms(
      t.app,
      {
        From: '+15550999123',
        To: inbox.channelAddress ?? '',
        Body: '1',
        MessageSid: `SMst${Date.now()}`,
      },
      inbox.webhookSecret,
    )
    expect(stranger.body).not.toContain('<Message>')
  })

  /** The next event of `name` about `ticketId` on `c` that `wanted` accepts. */
  function nextAbout<T extends { ticketId?: string; ticket?: { id: string } }>(
    c: Client,
    name: 'ticket:acknowledged' | 'perspective:updated',
    ticketId: string,
    wanted: (v: T) => boolean = () => true,
  ): Promise<T> {
    return new Promise((resolve) => {
      const on = c.on as (e: string, l: (v: T) => void) => void
      const off = c.off as (e: string, l: (v: T) => void) => void
      const listener = (v: T) => {
        if ((v.ticketId ?? v.ticket?.id) !== ticketId || !wanted(v)) return
        off.call(c, name, listener)
        resolve(v)
      }
      on.call(c, name, listener)
    })
  }

  it.each<[AcknowledgeChannel, string, string]>([
    ['app', 'in_app', 'dana@flare.test'],
    ['push', 'in_app', 'dana@flare.test'],
    ['email', 'email', 'dana@flare.test'],
    ['slack', 'slack', 'eli@flare.test'],
    ['sms', 'sms', 'dana@flare.test'],
  ])(
    '[11.2.1] [11.2.2] "I\'m on it" from %s: the space hears who took it, the supervisors\' perspective shows it, the chain stays quiet',
    async (via, channel, takerEmail) => {
      const danaPhone = '+15550143'
      await t.database.db
        .update(users)
        .set({ phone: danaPhone })
        .where(eq(users.id, await id('dana@flare.test')))
      const dana = await clients.join(t.spaceId, await cookieOf(t, 'dana@flare.test'))
      const eli = await clients.join(t.spaceId, await cookieOf(t, 'eli@flare.test'))
      const max = await clients.join(t.spaceId, await cookieOf(t, 'manager@flare.test'))
      const { inbox, first, second, start, ticketId } = await chain({
        notificationChannels: [channel],
      })
      await fireAt(t, start, 5)
      const slackBefore = slack.to('/hook').length
      await t.app.notifications.runDue(t.clock.now())
      const firing = await firingOfRule(ticketId, first.id)
      const rowOf = async () =>
        (await outboxOf(t, [ticketId])).find(
          (r) => r.channel === channel && r.firingId === firing.id,
        )
      const heardByEli = nextAbout<TicketAcknowledgedEvent>(
        eli.client,
        'ticket:acknowledged',
        ticketId,
      )
      const heardByDana = nextAbout<TicketAcknowledgedEvent>(
        dana.client,
        'ticket:acknowledged',
        ticketId,
      )
      // the firing's own row may still be on its way: the one that names who took it
      const perspective = nextAbout<PerspectiveItem>(
        max.client,
        'perspective:updated',
        ticketId,
        (item) => item.acknowledgedBy !== null,
      )
      t.clock.current = new Date(start.getTime() + 5.5 * MINUTE)

      if (via === 'app') {
        const taken = await emitAck(dana.client, 'ticket:acknowledge', { firingId: firing.id })
        expect(taken.ok).toBe(true)
      } else if (via === 'push') {
        const res = await post(firingPath(firing.id, 'acknowledge'), takerEmail, undefined, {
          'x-flare-via': 'push',
        })
        expect(res.statusCode).toBe(200)
      } else if (via === 'email' || via === 'slack') {
        const row = await rowOf()
        const path =
          via === 'email'
            ? ackPathIn(row!.captured!.text)
            : ackPathIn((await slack.waitFor('/hook', slackBefore + 1))[slackBefore]!.body)
        const res =
          via === 'email'
            ? await t.app.inject({ method: 'POST', url: path })
            : await post(path, takerEmail)
        expect(res.statusCode).toBe(200)
      } else {
        const code = (await rowOf())?.captured?.text.match(/Reply (\d{4}) if on it/)?.[1]
        const res = await postSms(
          t.app,
          {
            From: danaPhone,
            To: inbox.channelAddress ?? '',
            Body: code ?? '',
            MessageSid: `SMall${via}${Date.now()}`,
          },
          inbox.webhookSecret,
        )
        expect(res.body).toContain('You are on it')
      }

      const taker = await id(takerEmail)
      const expected = { ticketId, firingId: firing.id, userId: taker, via }
      // everyone in the space sees who took it (the cards, the list, the map's flare), the
      // person it went to included
      expect(await heardByEli).toMatchObject(expected)
      expect(await heardByDana).toMatchObject(expected)
      // and the supervisors' perspective, live
      expect(await perspective).toMatchObject({ firingId: firing.id, acknowledgedBy: taker })
      const { items } = (
        await t.app.inject({
          method: 'GET',
          url: `/api/spaces/${t.spaceId}/perspective?inboxId=${inbox.id}`,
          headers: { cookie: await cookieOf(t, 'manager@flare.test') },
        })
      ).json() as { items: PerspectiveItem[] }
      expect(items.find((i) => i.ticket.id === ticketId)).toMatchObject({ acknowledgedBy: taker })
      // further levels stay quiet: the deadline and level 2's own threshold pass
      await fireAt(t, start, 45)
      expect((await ticketRow(t, ticketId)).escalationHistory.map((e) => e.ruleId)).toEqual([
        first.id,
      ])
      expect(second).not.toBeNull()
    },
  )

  it('[11.2.5] delivery and acknowledgement are apart: a sent row is not a taken firing', async () => {
    const dana = await clients.join(t.spaceId, await cookieOf(t, 'dana@flare.test'))
    const { first, start, ticketId } = await chain({ notificationChannels: ['in_app', 'email'] })
    const shown = next<TicketEscalatedEvent>(dana.client, 'ticket:escalated')
    await fireAt(t, start, 5)
    await t.app.notifications.runDue(t.clock.now())
    // her tab showed the pop-up: the in-app row is delivered too (a receipt, §7.2.1.1)
    const receipt = await emitAck(dana.client, 'ticket:receipt', {
      firingId: (await shown).firingId,
    })
    expect(receipt).toMatchObject({ ok: true, first: true })
    const rows = await outboxOf(t, [ticketId])
    expect(rows.map((r) => [r.channel, r.state]).sort()).toEqual([
      ['email', 'sent'],
      ['in_app', 'sent'],
    ])
    const firing = await firingOfRule(ticketId, first.id)
    expect(firing.acknowledgedBy).toBeNull()
    expect((await ticketRow(t, ticketId)).acknowledgements).toEqual([])
    // delivered everywhere, taken by nobody: it still climbs
    await fireAt(t, start, 6)
    expect((await ticketRow(t, ticketId)).escalationHistory).toHaveLength(2)
    const delivered = await t.database.db
      .select()
      .from(notificationOutbox)
      .where(eq(notificationOutbox.firingId, firing.id))
    expect(delivered.length).toBeGreaterThan(0)
  })

  it('[11.2.3] the rules API keeps acknowledgeWithinMinutes and a fallback, and refuses what cannot work', async () => {
    const cookie = await cookieOf(t, 'manager@flare.test')
    const inbox = await isolatedInbox(t)
    const fatima = await id('fatima@flare.test')
    const rule = await createRule(t, {
      inboxId: inbox.id,
      acknowledgeWithinMinutes: 3,
      fallback: { escalateTo: 'specific_user', escalateToUserId: fatima },
    })
    expect(rule.acknowledgeWithinMinutes).toBe(3)
    expect(rule.fallback).toEqual({
      escalateTo: 'specific_user',
      escalateToTeamId: null,
      escalateToUserId: fatima,
      escalateToRotationId: null,
      recipientEmail: null,
      recipientPhone: null,
    })
    const put = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/tickets/escalation-rules/${rule.id}`,
        headers: { cookie },
        payload,
      })
    expect((await put({ acknowledgeWithinMinutes: null })).json().error.field).toBe('fallback')
    expect((await put({ fallback: { escalateTo: 'team' } })).json().error.field).toBe(
      'fallback.escalateToTeamId',
    )
    const stranger = await put({
      fallback: {
        escalateTo: 'specific_user',
        escalateToUserId: '00000000-0000-4000-8000-000000000000',
      },
    })
    expect(stranger.statusCode).toBe(400)
    expect(stranger.json().error.field).toBe('fallback.escalateToUserId')
    expect((await put({ acknowledgeWithinMinutes: 1441 })).statusCode).toBe(400)
    const cleared = await put({ acknowledgeWithinMinutes: null, fallback: null })
    expect(cleared.statusCode).toBe(200)
    expect(cleared.json().rule).toMatchObject({ acknowledgeWithinMinutes: null, fallback: null })
  })
})
