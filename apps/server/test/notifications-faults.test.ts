import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { DeliveryListResponse } from '@flare/protocol'
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { type Database, MIGRATIONS_FOLDER, openDatabase } from '../src/db/database.js'
import {
  notificationOutbox,
  slackIntegrations,
  spaces,
  webhookEndpoints,
} from '../src/db/schema.js'
import { seedDemo } from '../src/demo/seed.js'
import { NOT_RECEIVED } from '../src/notifications/in-app-receipts.js'
import {
  createRule,
  customerWrites,
  isolatedInbox,
  MINUTE,
  outboxOf,
} from './automation-support.js'
import { LocalHttp, LocalSmtp, twilioAccepted } from './notifications-support.js'
import {
  databaseKinds,
  freshDatabase,
  startTestApp,
  type TestApp,
  TestClock,
  testConfig,
} from './support.js'
import { cookieOf, onTicket, readTicket } from './tickets-support.js'

const SID = 'AC0123456789abcdef'
const MESSAGES_PATH = `/2010-04-01/Accounts/${SID}/Messages.json`
// the worst case of the jitter: every wait as long as it can be
const slowest = () => 1

describe.each(databaseKinds())('[7] delivery through outages and bad answers on $name', (kind) => {
  const smtp = new LocalSmtp()
  const sms = new LocalHttp()
  const hooks = new LocalHttp()
  let t: TestApp

  beforeAll(async () => {
    await Promise.all([smtp.start(), sms.start(), hooks.start()])
    t = await startTestApp(kind, {
      config: {
        SMTP_URL: smtp.url,
        SMS_API_URL: sms.url,
        SMS_ACCOUNT_SID: SID,
        SMS_AUTH_TOKEN: 'secret-token',
        ALLOW_PRIVATE_URLS: 'true',
      },
      // no timer: the test moves the clock and runs the worker itself
      // short enough for the timeout case, long enough for a real SMTP exchange on a busy machine
      notifications: { random: slowest, sendTimeoutMs: 2_000 },
    })
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await Promise.all([smtp.stop(), sms.stop(), hooks.stop()])
  })

  /** A fresh inbox, a rule on it, a waiting customer, and the rule fired: the firing's rows. */
  async function fired(rule: Record<string, unknown>, customers = 1) {
    const inbox = await isolatedInbox(t)
    await createRule(t, { inboxId: inbox.id, escalateAfterMinutes: 1, ...rule })
    const ticketIds: string[] = []
    for (let i = 0; i < customers; i += 1) ticketIds.push(await customerWrites(t, inbox))
    t.clock.advance(MINUTE)
    await t.app.scheduler.runDue(t.clock.now())
    const rows = (await outboxOf(t, ticketIds)).filter((r) => r.channel !== 'in_app')
    return { inbox, ticketIds, rows }
  }

  async function rowsById(ids: string[]) {
    return t.database.db
      .select()
      .from(notificationOutbox)
      .where(inArray(notificationOutbox.id, ids))
  }

  /** One ticket's deliveries in the log, as a manager reads it. */
  async function logOf(ticketId: string): Promise<DeliveryListResponse['deliveries']> {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/deliveries?ticketId=${ticketId}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    })
    expect(res.statusCode).toBe(200)
    const body: DeliveryListResponse = res.json()
    return body.deliveries
  }

  it('[7.1][12.2] SMTP down for 5 minutes, then back: every mail arrives within a minute of its return, once', async () => {
    await smtp.stop()
    const { ticketIds, rows } = await fired(
      {
        escalateTo: 'specific_user',
        escalateToUserId: await t.userId('eli@flare.test'),
        notificationChannels: ['email'],
      },
      4,
    )
    expect(rows).toHaveLength(4)
    const ids = rows.map((r) => r.id)
    const backAt = t.clock.now().getTime() + 5 * MINUTE
    let down = true
    // the wake timer's walk through time: run what is due, sleep until the next due instant
    for (let round = 0; round < 200; round += 1) {
      await t.app.notifications.runDue(t.clock.now())
      const pending = (await rowsById(ids)).filter((r) => r.state === 'pending')
      if (pending.length === 0) break
      const next = Math.min(...pending.map((r) => r.nextAttemptAt.getTime()))
      if (down && next >= backAt) {
        t.clock.current = new Date(backAt)
        await smtp.start()
        down = false
      }
      t.clock.current = new Date(Math.max(next, t.clock.now().getTime()))
    }
    const final = await rowsById(ids)
    expect(final.every((r) => r.state === 'sent')).toBe(true)
    for (const row of final) {
      expect(row.sentAt!.getTime() - backAt).toBeLessThanOrEqual(60_000)
      expect(row.attempts).toBeGreaterThan(5)
      expect(row.lastError).toMatch(/SMTP/)
    }
    const keys = new Set(final.map((r) => r.idempotencyKey))
    const arrived = smtp.mails.filter((m) => m.idempotencyKey && keys.has(m.idempotencyKey))
    expect(arrived).toHaveLength(4)
    expect(new Set(arrived.map((m) => m.idempotencyKey)).size).toBe(4)

    // the delivery log shows the failed attempts
    const log = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/deliveries?ticketId=${ticketIds[0]}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    })
    expect(log.statusCode).toBe(200)
    const [entry] = log.json().deliveries
    expect(entry).toMatchObject({ channel: 'email', state: 'sent', targetLabel: 'Eli Novak' })
    expect(entry.attempts).toBeGreaterThan(5)
    expect(entry.lastError).toMatch(/SMTP/)
  })

  it('[7.1] a provider 500 is retried after a second; a 429 waits its Retry-After; one message in the end', async () => {
    sms.answers = [
      { status: 500, body: 'upstream trouble' },
      { status: 429, headers: { 'retry-after': '30' }, body: 'slow down' },
      twilioAccepted('SM0000000000000000000000000000000a'),
    ]
    const before = sms.to(MESSAGES_PATH).length
    const { rows } = await fired({
      escalateTo: 'phone',
      recipientPhone: '+14155550142',
      notificationChannels: ['sms'],
    })
    const id = rows[0]!.id
    const first = t.clock.now()
    await t.app.notifications.runDue(first)
    let [row] = await rowsById([id])
    expect(row).toMatchObject({ state: 'pending', attempts: 1 })
    expect(row!.lastError).toMatch(/HTTP 500/)
    expect(row!.nextAttemptAt.getTime() - first.getTime()).toBe(1_000)

    t.clock.current = row!.nextAttemptAt
    await t.app.notifications.runDue(t.clock.now())
    ;[row] = await rowsById([id])
    expect(row!.lastError).toMatch(/HTTP 429/)
    expect(row!.nextAttemptAt.getTime() - t.clock.now().getTime()).toBe(30_000)
    // not a moment before the provider said
    t.clock.advance(29_000)
    await t.app.notifications.runDue(t.clock.now())
    expect(sms.to(MESSAGES_PATH).length - before).toBe(2)

    t.clock.advance(1_000)
    await t.app.notifications.runDue(t.clock.now())
    ;[row] = await rowsById([id])
    expect(row).toMatchObject({
      state: 'sent',
      attempts: 3,
      providerId: 'SM0000000000000000000000000000000a',
    })
    const posts = sms.to(MESSAGES_PATH).slice(before)
    expect(posts).toHaveLength(3)
    expect(new Set(posts.map((p) => p.headers['idempotency-key'])).size).toBe(1)
  })

  it('[7.1] a provider that does not answer times out and is tried again', async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/webhooks`,
      headers: { cookie: manager },
      payload: { url: `${hooks.url}/slow` },
    })
    expect(created.statusCode).toBe(201)
    hooks.answers = [{ status: 200, hang: true }]
    hooks.fallback = { status: 204 }
    const { rows } = await fired({ escalateTo: 'assigned', notificationChannels: ['webhook'] })
    const mine = rows.filter((r) => r.target === `webhook:${created.json().webhook.id}`)
    expect(mine).toHaveLength(1)
    const id = mine[0]!.id
    await t.app.notifications.runDue(t.clock.now())
    let [row] = await rowsById([id])
    expect(row).toMatchObject({ state: 'pending', attempts: 1 })
    expect(row!.lastError).toMatch(/no answer within 2000 ms/)
    t.clock.current = row!.nextAttemptAt
    await t.app.notifications.runDue(t.clock.now())
    ;[row] = await rowsById([id])
    expect(row).toMatchObject({ state: 'sent', attempts: 2 })
    await t.database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.spaceId, t.spaceId))
  })

  it('[7.1][7.3.1] a URL that answers 404 fails at once, with the reason; "retry now" queues it again', async () => {
    await t.database.db
      .insert(slackIntegrations)
      .values({ spaceId: t.spaceId, webhookUrl: `${hooks.url}/services/gone` })
      .onConflictDoUpdate({
        target: slackIntegrations.spaceId,
        set: { webhookUrl: `${hooks.url}/services/gone` },
      })
    hooks.answers = [{ status: 404, body: 'no_service' }]
    const { rows } = await fired({ escalateTo: 'assigned', notificationChannels: ['slack'] })
    const id = rows[0]!.id
    await t.app.notifications.runDue(t.clock.now())
    const [row] = await rowsById([id])
    expect(row).toMatchObject({ state: 'failed', attempts: 1, lastErrorPermanent: true })
    expect(row!.lastError).toBe('Slack answered HTTP 404: no_service')
    const [logged] = (await logOf(rows[0]!.ticketId!)).filter((d) => d.id === id)
    expect(logged).toMatchObject({ state: 'failed', retryable: false })

    const agent = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/deliveries/${id}/retry`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    expect(agent.statusCode).toBe(403)
    const retry = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/deliveries/${id}/retry`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    })
    expect(retry.statusCode).toBe(200)
    // queued afresh, the error is no longer final: the next try decides again
    expect(retry.json().delivery).toMatchObject({ state: 'pending', attempts: 0, retryable: true })
    expect((await rowsById([id]))[0]).toMatchObject({ lastErrorPermanent: false })
    await t.app.notifications.runDue(t.clock.now())
    expect((await rowsById([id]))[0]).toMatchObject({ state: 'sent', attempts: 1 })
    expect((await logOf(rows[0]!.ticketId!)).find((d) => d.id === id)?.retryable).toBe(false)
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/deliveries/${id}/retry`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    })
    expect(again.statusCode).toBe(409)
    await t.database.db.delete(slackIntegrations).where(eq(slackIntegrations.spaceId, t.spaceId))
  })

  it('[4.7][7.2.3] a reply the provider refuses shows as failed with the reason; Retry sends it', async () => {
    const inbox = await isolatedInbox(t)
    const ticketId = await customerWrites(t, inbox, 'Can I change my delivery address?')
    const before = sms.to(MESSAGES_PATH).length
    sms.answers = [{ status: 400, body: '{"code":21211,"message":"Invalid To number"}' }]
    sms.fallback = twilioAccepted('SM0000000000000000000000000000000c')
    const reply = await onTicket(t, ticketId, 'POST', '/replies', { body: 'Yes, send it here.' })
    expect(reply.statusCode).toBe(201)
    const messageId = reply.json().message.id as string
    await t.app.notifications.runDue(t.clock.now())
    const staffMessage = async () =>
      (await readTicket(t, ticketId)).messages.find((m) => m.id === messageId)
    const failed = await staffMessage()
    expect(failed?.delivery).toMatchObject({ state: 'failed' })
    expect(failed?.delivery?.error).toMatch(/HTTP 400.*Invalid To number/)

    // someone from another space cannot resend it; whoever works the ticket can
    const outsider = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.otherSpace.spaceId}/tickets/${ticketId}/messages/${messageId}/retry`,
      headers: { cookie: await t.login(t.otherSpace.email) },
    })
    expect(outsider.statusCode).toBe(404)
    const retry = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/tickets/${ticketId}/messages/${messageId}/retry`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    expect(retry.statusCode).toBe(200)
    expect(retry.json().message.delivery).toMatchObject({ state: 'sending' })
    await t.app.notifications.runDue(t.clock.now())
    expect((await staffMessage())?.delivery).toMatchObject({ state: 'sent', error: null })
    const posts = sms.to(MESSAGES_PATH).slice(before)
    expect(posts).toHaveLength(2)
    expect(posts.map((p) => new URLSearchParams(p.body).get('From'))).toEqual([
      inbox.channelAddress,
      inbox.channelAddress,
    ])
  })

  it('[7.1] one claim leases at most one batch, however many rows are due', async () => {
    const now = t.clock.now()
    const keys = Array.from({ length: 40 }, (_, i) => `batch:${i}`)
    await t.database.db.insert(notificationOutbox).values(
      keys.map((idempotencyKey) => ({
        spaceId: t.spaceId,
        target: 'space',
        channel: 'webhook',
        idempotencyKey,
        createdAt: now,
        queuedAt: now,
        nextAttemptAt: now,
      })),
    )
    const { worker } = t.app.notifications
    const claims: Array<Awaited<ReturnType<typeof worker.claim>>> = []
    for (let claim = await worker.claim(now); claim.length > 0; claim = await worker.claim(now)) {
      claims.push(claim)
    }
    expect(claims.length).toBeGreaterThanOrEqual(3)
    expect(claims.every((c) => c.length <= 16)).toBe(true)
    const mine = claims.flat().filter((r) => keys.includes(r.idempotencyKey))
    expect(new Set(mine.map((r) => r.id)).size).toBe(40)
    await t.database.db
      .delete(notificationOutbox)
      .where(inArray(notificationOutbox.idempotencyKey, keys))
  })

  it('[7.1] a process killed mid-send leaves its rows to another after the lease; none goes twice', async () => {
    const before = sms.to(MESSAGES_PATH).length
    sms.answers = []
    sms.fallback = twilioAccepted('SM0000000000000000000000000000000b')
    const { rows } = await fired(
      { escalateTo: 'phone', recipientPhone: '+14155550143', notificationChannels: ['sms'] },
      3,
    )
    // claimed and never finished, as by a process killed right after its claim
    const claimed = await t.app.notifications.worker.claim(t.clock.now(), 100)
    expect(claimed.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort())
    expect(await t.app.notifications.runDue(t.clock.now())).toEqual([])
    t.clock.advance(2 * MINUTE)
    const outcomes = await t.app.notifications.runDue(t.clock.now())
    expect(outcomes.map((o) => o.result)).toEqual(['sent', 'sent', 'sent'])
    expect(sms.to(MESSAGES_PATH).length - before).toBe(3)
    const after = await rowsById(rows.map((r) => r.id))
    expect(after.every((r) => r.state === 'sent' && r.attempts === 2)).toBe(true)
    // the killed claim's outcome, should it ever arrive, is not recorded over the real one
    const late = await t.app.notifications.worker.deliver(claimed.slice(0, 1), t.clock.now())
    expect(late[0]?.result).toBe('lease-lost')
  })
  it('[7.1][7.3.1] a row that keeps failing gives up after 6 hours: failed, with the last error, retryable', async () => {
    sms.answers = []
    sms.fallback = { status: 503, body: 'maintenance window' }
    const { ticketIds, rows } = await fired({
      escalateTo: 'phone',
      recipientPhone: '+14155550144',
      notificationChannels: ['sms'],
    })
    const id = rows[0]!.id
    await t.app.notifications.runDue(t.clock.now())
    expect((await rowsById([id]))[0]).toMatchObject({ state: 'pending', attempts: 1 })
    expect((await logOf(ticketIds[0]!))[0]).toMatchObject({ state: 'pending', retryable: true })
    // still failing when it is six hours old: no further try would be in time
    t.clock.advance(6 * 60 * MINUTE)
    await t.app.notifications.runDue(t.clock.now())
    const [row] = await rowsById([id])
    expect(row).toMatchObject({ state: 'failed', attempts: 2, lastErrorPermanent: false })
    expect(row!.lastError).toBe('the SMS API answered HTTP 503: maintenance window')
    // the provider may be back by now: the log offers a retry as it is
    expect((await logOf(ticketIds[0]!)).find((d) => d.id === id)).toMatchObject({
      state: 'failed',
      retryable: true,
    })
    sms.fallback = twilioAccepted('SM0000000000000000000000000000000d')
  })

  it('[7.3.1][7.3.2] the log names each delivery’s ticket and says whether a retry as it is can help', async () => {
    smtp.unknown.add('nobody@flare.test')
    const inbox = await isolatedInbox(t)
    await createRule(t, {
      inboxId: inbox.id,
      escalateAfterMinutes: 1,
      escalateTo: 'email',
      recipientEmail: 'nobody@flare.test',
      notificationChannels: ['email'],
    })
    const ticketId = await customerWrites(t, inbox, 'The printer in room 4 is on fire')
    const { ticket } = await readTicket(t, ticketId)
    t.clock.advance(MINUTE)
    await t.app.scheduler.runDue(t.clock.now())
    await t.app.notifications.runDue(t.clock.now())
    // an unknown mailbox (SMTP 550) fails at once, and stays failed however often it is tried
    const [email] = await logOf(ticketId)
    expect(email).toMatchObject({
      channel: 'email',
      target: 'email:nobody@flare.test',
      state: 'failed',
      attempts: 1,
      retryable: false,
      ticketSubject: ticket.subject,
    })
    expect(email!.lastError).toMatch(/^SMTP: .*550/)
    expect(ticket.subject).toMatch(/printer/)

    // a pop-up no client showed in 6 h may still be shown (a late receipt marks it sent): not
    // a failure a fix must answer
    const gus = await t.userId('gus@flare.test')
    const popUp = await fired({ escalateTo: 'specific_user', escalateToUserId: gus })
    t.clock.advance(6 * 60 * MINUTE)
    await t.app.notifications.runDue(t.clock.now())
    expect(await logOf(popUp.ticketIds[0]!)).toMatchObject([
      { channel: 'in_app', state: 'failed', lastError: NOT_RECEIVED, retryable: true },
    ])

    // about no ticket (a raised hand): no subject; sent, nothing is left to try
    const [hand] = await t.database.db
      .insert(notificationOutbox)
      .values({
        spaceId: t.spaceId,
        event: 'hand.raised',
        target: 'space',
        channel: 'webhook',
        idempotencyKey: 'hand:log-test:webhook',
        state: 'sent',
        createdAt: t.clock.now(),
        sentAt: t.clock.now(),
      })
      .returning()
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/deliveries?channel=webhook&state=sent&limit=1`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    })
    expect(res.json().deliveries).toMatchObject([
      { id: hand!.id, event: 'hand.raised', ticketId: null, ticketSubject: null, retryable: false },
    ])
  })

  it('[7.3.1] rows that failed before the worker kept it are read from their attempts and age', async () => {
    const migration = await readFile(
      path.join(MIGRATIONS_FOLDER, '0019_permanent_delivery_errors.sql'),
      'utf8',
    )
    const backfill = migration.split('--> statement-breakpoint')[1]
    expect(backfill).toMatch(/^\s*-- Rows that failed before/)
    const queuedAt = t.clock.now()
    const after = (ms: number) => new Date(queuedAt.getTime() + ms)
    const cases = {
      refused: { channel: 'webhook', attempts: 1, lastAttemptAt: after(1_000) },
      'refused after an outage': {
        channel: 'sms',
        attempts: 30,
        lastAttemptAt: after(40 * MINUTE),
      },
      'out of attempts': { channel: 'sms', attempts: 50, lastAttemptAt: after(45 * MINUTE) },
      'out of time': { channel: 'email', attempts: 12, lastAttemptAt: after(6 * 60 * MINUTE) },
      'not received': { channel: 'in_app', attempts: 0, lastAttemptAt: null },
    }
    const inserted = await t.database.db
      .insert(notificationOutbox)
      .values(
        Object.entries(cases).map(([name, fields]) => ({
          ...fields,
          spaceId: t.spaceId,
          target: 'space',
          idempotencyKey: `backfill:${name}`,
          state: 'failed' as const,
          lastError: name,
          createdAt: queuedAt,
          queuedAt,
        })),
      )
      .returning({ id: notificationOutbox.id })
    await t.database.query(sql.raw(backfill!))
    const rows = await rowsById(inserted.map((r) => r.id))
    expect(Object.fromEntries(rows.map((r) => [r.lastError, r.lastErrorPermanent]))).toEqual({
      refused: true,
      'refused after an outage': true,
      'out of attempts': false,
      'out of time': false,
      'not received': false,
    })
    await t.database.db.delete(notificationOutbox).where(
      inArray(
        notificationOutbox.id,
        inserted.map((r) => r.id),
      ),
    )
  })
})

describe.each(databaseKinds().filter((k) => k.name === 'postgres'))(
  '[12] two server processes draining one outbox on $name',
  (kind) => {
    const hooks = new LocalHttp()
    let database: Database
    let drop: () => Promise<void>
    const apps: FastifyInstance[] = []
    const others: Database[] = []

    beforeAll(async () => {
      await hooks.start()
      hooks.fallback = { status: 204 }
      const fresh = await freshDatabase(kind.name)
      drop = fresh.drop
      database = await openDatabase(fresh.target)
      await seedDemo(database)
      const clock = new TestClock()
      for (let i = 0; i < 2; i += 1) {
        const db = await openDatabase(fresh.target)
        others.push(db)
        apps.push(
          await buildApp({
            config: testConfig({ ALLOW_PRIVATE_URLS: 'true' }),
            database: db,
            cookieSecret: 'two-process-test-cookie-secret-32-chars',
            logger: false,
            clock: clock.now,
          }),
        )
      }
      await Promise.all(apps.map((app) => app.ready()))
    }, 120_000)
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()))
      await database?.close()
      await drop?.()
      await hooks.stop()
    })

    it('[7.1] no row is sent twice when two processes claim at once', async () => {
      const [space] = await database.db.select({ id: spaces.id }).from(spaces)
      const [endpoint] = await database.db
        .insert(webhookEndpoints)
        .values({ spaceId: space!.id, url: `${hooks.url}/load`, secret: 'whsec_test' })
        .returning()
      const now = new TestClock().now()
      const count = 300
      await database.db.insert(notificationOutbox).values(
        Array.from({ length: count }, (_, i) => ({
          spaceId: space!.id,
          target: `webhook:${endpoint!.id}`,
          channel: 'webhook',
          idempotencyKey: `load:${i}`,
          createdAt: now,
          queuedAt: now,
          nextAttemptAt: now,
        })),
      )
      const [a, b] = apps
      await Promise.all([
        a!.notifications.runDue(now),
        b!.notifications.runDue(now),
        a!.notifications.runDue(now),
        b!.notifications.runDue(now),
      ])
      const keys = hooks.to('/load').map((r) => r.headers['idempotency-key'])
      expect(keys).toHaveLength(count)
      expect(new Set(keys).size).toBe(count)
      const rows = await database.db
        .select()
        .from(notificationOutbox)
        .where(
          and(eq(notificationOutbox.spaceId, space!.id), eq(notificationOutbox.channel, 'webhook')),
        )
      expect(rows.every((r) => r.state === 'sent' && r.attempts === 1)).toBe(true)
      const claimed = apps.map((app) => app.notifications.worker.stats().claimed)
      expect(claimed[0]! + claimed[1]!).toBe(count)
      expect(claimed.every((c) => c > 0)).toBe(true)
    })
  },
)
