import type {
  SpaceSnapshot,
  TicketAcknowledgedEvent,
  TicketEscalatedEvent,
  TicketReceiptResult,
} from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { type Database, openDatabase } from '../src/db/database.js'
import { groups, notificationOutbox, spaces, tickets, users } from '../src/db/schema.js'
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js'
import { NOT_RECEIVED } from '../src/notifications/in-app-receipts.js'
import {
  createRule,
  customerWrites,
  fireAt,
  isolatedInbox,
  ticketRow,
} from './automation-support.js'
import { type Client, Clients, emitAck, snapshotOf } from './sockets.js'
import {
  databaseKinds,
  freshDatabase,
  startTestApp,
  type TestApp,
  TestClock,
  testConfig,
} from './support.js'
import { cookieOf, customerTexts } from './tickets-support.js'

const HOUR = 60 * 60_000

function next<T>(c: Client, event: string): Promise<T> {
  return new Promise((resolve) => {
    ;(c.once as (e: string, l: (v: T) => void) => void).call(c, event, resolve)
  })
}

/** The in-app rows of a firing, by target. */
async function inAppRows(database: Database, firingId: string) {
  const rows = await database.db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.firingId, firingId), eq(notificationOutbox.channel, 'in_app')))
  return new Map(rows.map((r) => [r.target, r]))
}

function alertsOf(snapshot: SpaceSnapshot, firingId: string) {
  return (snapshot.ticketAlerts ?? []).filter((a) => a.event.firingId === firingId)
}

describe.each(databaseKinds())('[7.2.1.1] in-app delivery receipts on $name', (kind) => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)
  beforeAll(async () => {
    t = await startTestApp(kind)
    url = await t.listen()
  }, 120_000)
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t?.close()
  })

  /** A rule on a fresh inbox, a waiting customer, and the rule fired 10 minutes later. */
  async function fire(rule: Record<string, unknown>) {
    const inbox = await isolatedInbox(t)
    const stored = await createRule(t, { inboxId: inbox.id, escalateAfterMinutes: 10, ...rule })
    const start = t.clock.now()
    const ticketId = await customerWrites(t, inbox, 'Where is my refund?')
    const processed = await fireAt(t, start, 10)
    const firing = processed.flatMap((p) => p.firings).find((f) => f.ticket.id === ticketId)
    if (!firing) throw new Error('the rule did not fire')
    return { rule: stored, inbox, ticketId, firingId: firing.firingId }
  }

  it('[7.2.1.1] a pop-up is sent only once a client of its target says it showed it', async () => {
    const dana = await t.userId('dana@flare.test')
    const danaCookie = await cookieOf(t, 'dana@flare.test')
    const { client } = await clients.join(t.spaceId, danaCookie)
    const escalated = next<TicketEscalatedEvent>(client, 'ticket:escalated')
    const { firingId } = await fire({ escalateTo: 'specific_user', escalateToUserId: dana })
    expect((await escalated).firingId).toBe(firingId)

    // delivered to the socket is not shown: the row waits for the client's receipt
    let row = (await inAppRows(t.database, firingId)).get(`user:${dana}`)
    expect(row).toMatchObject({ state: 'pending', attempts: 0, sentAt: null })

    const receipt = await emitAck<TicketReceiptResult>(client, 'ticket:receipt', { firingId })
    expect(receipt).toEqual({
      ok: true,
      firingId,
      receivedAt: t.clock.now().toISOString(),
      first: true,
    })
    row = (await inAppRows(t.database, firingId)).get(`user:${dana}`)
    expect(row).toMatchObject({ state: 'sent', attempts: 1 })
    expect(row?.sentAt?.toISOString()).toBe(t.clock.now().toISOString())

    // a second tab of hers has the card too, as one she was shown (no sound), and its
    // receipt changes nothing
    const { client: second, snapshot } = await clients.join(t.spaceId, danaCookie)
    expect(alertsOf(snapshot, firingId)).toEqual([
      expect.objectContaining({ received: true, acknowledged: null }),
    ])
    expect(await emitAck(second, 'ticket:receipt', { firingId })).toMatchObject({
      ok: true,
      first: false,
    })

    // nobody else can say it reached them
    const { client: gus } = await clients.join(t.spaceId, await cookieOf(t, 'gus@flare.test'))
    expect(await emitAck(gus, 'ticket:receipt', { firingId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
    expect(await emitAck(gus, 'ticket:receipt', { firingId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    })
  })

  it('[7.2.1.1][7.2.1.1.1][9.4.2] a late joiner gets the pop-up from the snapshot, again after a drop, quietly after its receipt, not once taken', async () => {
    const [supervisors] = await t.database.db
      .select()
      .from(groups)
      .where(eq(groups.handle, 'supervisors'))
    const max = await t.userId('manager@flare.test')
    const ada = await t.userId('admin@flare.test')
    // nobody is online when it fires
    const { rule, ticketId, firingId } = await fire({
      escalateTo: 'team',
      escalateToTeamId: supervisors!.id,
    })
    const rows = await inAppRows(t.database, firingId)
    expect([...rows.keys()].sort()).toEqual([`user:${ada}`, `user:${max}`].sort())
    expect([...rows.values()].every((r) => r.state === 'pending')).toBe(true)

    const maxCookie = await cookieOf(t, 'manager@flare.test')
    const first = await clients.join(t.spaceId, maxCookie)
    const [alert] = alertsOf(first.snapshot, firingId)
    expect(alert).toEqual({
      event: {
        firingId,
        ticket: expect.objectContaining({ id: ticketId, priority: 'medium' }),
        ruleId: rule.id,
        ruleName: rule.name,
        level: 1,
        reason: expect.stringContaining('10 minutes'),
        escalatedAt: expect.any(String),
        targetUserIds: expect.arrayContaining([max, ada]),
        // the rule's chain, which "I'm on it" silences (SPEC §11.2)
        chain: 'default',
        // the end of the conversation, as the live pop-up carries it
        transcript: [expect.objectContaining({ from: 'customer', text: 'Where is my refund?' })],
        transcriptTurns: 1,
      },
      acknowledged: null,
    })

    // the connection dropped before the client showed it: the next snapshot offers it again
    first.client.disconnect()
    const again = await clients.join(t.spaceId, maxCookie)
    expect(alertsOf(again.snapshot, firingId)).toEqual([
      expect.not.objectContaining({ received: true }),
    ])
    await emitAck(again.client, 'ticket:receipt', { firingId })
    again.client.disconnect()
    // shown, and nobody has taken it yet: a new page has the card back, without its sound
    const after = await clients.join(t.spaceId, maxCookie)
    expect(alertsOf(after.snapshot, firingId)).toEqual([
      expect.objectContaining({ received: true, acknowledged: null }),
    ])

    // each target's pop-up is their own: Ada's still waits, now saying who took it
    const taken = await emitAck<{ acknowledged: TicketAcknowledgedEvent }>(
      after.client,
      'ticket:acknowledge',
      { firingId },
    )
    expect(taken).toMatchObject({ ok: true })
    const adaJoins = await clients.join(t.spaceId, await cookieOf(t, 'admin@flare.test'))
    expect(alertsOf(adaJoins.snapshot, firingId)).toEqual([
      expect.objectContaining({
        acknowledged: expect.objectContaining({ firingId, ticketId, userId: max }),
      }),
    ])
    expect((await inAppRows(t.database, firingId)).get(`user:${ada}`)?.state).toBe('pending')
    // Max took it: his next page has no card for it
    const taker = await clients.join(t.spaceId, maxCookie)
    expect(alertsOf(taker.snapshot, firingId)).toEqual([])
  })

  it('[7.2.1.1.1] a shown pop-up comes back on a new page only while the customer still waits for a reply', async () => {
    const gus = await t.userId('gus@flare.test')
    const gusCookie = await cookieOf(t, 'gus@flare.test')
    const { inbox, ticketId, firingId } = await fire({
      escalateTo: 'specific_user',
      escalateToUserId: gus,
    })
    const page = await clients.join(t.spaceId, gusCookie)
    expect(alertsOf(page.snapshot, firingId)).toHaveLength(1)
    await emitAck(page.client, 'ticket:receipt', { firingId })
    page.client.disconnect()
    const reload = await clients.join(t.spaceId, gusCookie)
    expect(alertsOf(reload.snapshot, firingId)).toEqual([
      expect.objectContaining({ received: true }),
    ])
    reload.client.disconnect()

    // a colleague answers the customer: the escalation has done its job
    const replied = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/tickets/${ticketId}/replies`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
      payload: { body: 'Your refund went out this morning.' },
    })
    expect(replied.statusCode).toBe(201)
    const answered = await clients.join(t.spaceId, gusCookie)
    expect(alertsOf(answered.snapshot, firingId)).toEqual([])
    answered.client.disconnect()

    // the customer writes again a minute later: a new wait, which this firing was not about
    t.clock.advance(60_000)
    const [ticket] = await t.database.db
      .select({ phone: tickets.customerPhone })
      .from(tickets)
      .where(eq(tickets.id, ticketId))
    expect(await customerTexts(t, inbox, ticket?.phone ?? '', 'Still nothing here')).toBe(ticketId)
    expect((await ticketRow(t, ticketId))?.waitingSince).not.toBeNull()
    const later = await clients.join(t.spaceId, gusCookie)
    expect(alertsOf(later.snapshot, firingId)).toEqual([])
  })

  it("[7.2.1.1][11.1] a trigger's pop-up from the snapshot names the trigger; its words are in the reason", async () => {
    const inbox = await isolatedInbox(t)
    const admins = await t.app.inject({
      method: 'PATCH',
      url: `/api/spaces/${t.spaceId}/inboxes/${inbox.id}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { adminUserIds: [await t.userId('eli@flare.test')] },
    })
    expect(admins.statusCode).toBe(200)
    // the inbox's default keyword trigger goes to its admins, at once
    const ticketId = await customerWrites(t, inbox, 'I want to talk to a human now')
    await t.app.scheduler.runDue(t.clock.now())
    const { snapshot } = await clients.join(t.spaceId, await cookieOf(t, 'eli@flare.test'))
    const alert = (snapshot.ticketAlerts ?? []).find((a) => a.event.ticket.id === ticketId)
    expect(alert?.event).toMatchObject({
      trigger: { kind: 'keyword', words: [] },
      reason: expect.stringContaining('talk to a human'),
      transcript: [{ from: 'customer', text: 'I want to talk to a human now' }],
      transcriptTurns: 1,
    })
  })

  it('[7.2.1.1] a pop-up no client showed within 6 h fails as not received and leaves the snapshot', async () => {
    const gus = await t.userId('gus@flare.test')
    const { firingId } = await fire({ escalateTo: 'specific_user', escalateToUserId: gus })
    const row = (await inAppRows(t.database, firingId)).get(`user:${gus}`)!
    // the worker wakes for it when its time is up, not before
    const expiry = row.queuedAt.getTime() + 6 * HOUR
    const earliest = await t.app.notifications.worker.earliest()
    expect(earliest).not.toBeNull()
    expect(earliest!.getTime()).toBeLessThanOrEqual(expiry)
    t.clock.current = new Date(expiry - 1)
    expect((await t.app.notifications.runDue()).filter((o) => o.id === row.id)).toEqual([])

    t.clock.current = new Date(expiry)
    const outcomes = await t.app.notifications.runDue()
    expect(outcomes.filter((o) => o.id === row.id)).toEqual([
      { id: row.id, result: 'failed', error: NOT_RECEIVED },
    ])
    expect((await inAppRows(t.database, firingId)).get(`user:${gus}`)).toMatchObject({
      state: 'failed',
      lastError: NOT_RECEIVED,
    })
    const { client, snapshot } = await clients.join(t.spaceId, await cookieOf(t, 'gus@flare.test'))
    expect(alertsOf(snapshot, firingId)).toEqual([])
    // a tab that had it all along shows it late: it reached him after all
    expect(await emitAck(client, 'ticket:receipt', { firingId })).toMatchObject({
      ok: true,
      first: true,
    })
    expect((await inAppRows(t.database, firingId)).get(`user:${gus}`)).toMatchObject({
      state: 'sent',
      lastError: null,
    })
  })
})

describe.each(databaseKinds().filter((k) => k.name === 'postgres'))(
  '[7.2.1.1] a pop-up fired in one process reaches a client of another on $name',
  (kind) => {
    let database: Database
    let drop: () => Promise<void>
    const apps: FastifyInstance[] = []
    const others: Database[] = []
    const urls: string[] = []
    let target = 0
    const clients = new Clients(() => urls[target]!)
    const clock = new TestClock()

    beforeAll(async () => {
      const fresh = await freshDatabase(kind.name)
      drop = fresh.drop
      database = await openDatabase(fresh.target)
      await seedDemo(database)
      for (let i = 0; i < 2; i += 1) {
        const db = await openDatabase(fresh.target)
        others.push(db)
        const app = await buildApp({
          config: testConfig(),
          database: db,
          cookieSecret: 'two-process-test-cookie-secret-32-chars',
          logger: false,
          clock: clock.now,
        })
        apps.push(app)
        await app.listen({ host: '127.0.0.1', port: 0 })
        const address = app.server.address()
        if (!address || typeof address === 'string') throw new Error('no port')
        urls.push(`http://127.0.0.1:${address.port}`)
      }
    }, 120_000)
    afterEach(() => clients.closeAll())
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()))
      await Promise.all(others.map((db) => db.close()))
      await database?.close()
      await drop?.()
    })

    it('[7.2.1.1] fired by process A, shown by a client of process B from its snapshot', async () => {
      const [space] = await database.db.select({ id: spaces.id }).from(spaces)
      // process A as the shared test steps see an app
      const a: TestApp = {
        app: apps[0]!,
        database,
        clock,
        config: testConfig(),
        spaceId: space!.id,
        otherSpace: { spaceId: space!.id, email: '' },
        async userId(email) {
          const [row] = await database.db
            .select({ id: users.id })
            .from(users)
            .where(eq(users.email, email))
          return row!.id
        },
        listen: async () => urls[0]!,
        async login(email) {
          const res = await apps[0]!.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { email, password: DEMO_PASSWORD },
          })
          const cookie = res.cookies.find((c) => c.name === 'flare_session')
          if (!cookie) throw new Error(`login failed: ${res.body}`)
          return `flare_session=${cookie.value}`
        },
        close: async () => {},
      }
      const dana = await a.userId('dana@flare.test')
      const inbox = await isolatedInbox(a)
      await createRule(a, {
        inboxId: inbox.id,
        escalateAfterMinutes: 10,
        escalateTo: 'specific_user',
        escalateToUserId: dana,
      })
      const start = clock.now()
      const ticketId = await customerWrites(a, inbox)
      const processed = await fireAt(a, start, 10)
      const firingId = processed
        .flatMap((p) => p.firings)
        .find((f) => f.ticket.id === ticketId)?.firingId
      expect(firingId).toBeDefined()

      // Dana's browser is connected to process B, which never saw the firing
      target = 1
      const client = clients.connect({
        spaceId: a.spaceId,
        cookie: await cookieOf(a, 'dana@flare.test'),
      })
      const snapshot = await snapshotOf(client)
      expect(alertsOf(snapshot, firingId!)).toHaveLength(1)
      expect(await emitAck(client, 'ticket:receipt', { firingId })).toMatchObject({
        ok: true,
        first: true,
      })
      expect((await inAppRows(database, firingId!)).get(`user:${dana}`)?.state).toBe('sent')
    })
  },
)
