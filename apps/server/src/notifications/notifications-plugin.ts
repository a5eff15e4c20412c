import { parse, Uuid } from '@flare/protocol'
import { and, eq, inArray } from 'drizzle-orm'
import fp from 'fastify-plugin'
import {
  escalations,
  memberships,
  notificationOutbox,
  ticketMessages,
  tickets,
  users,
} from '../db/schema.js'
import { createWakeTimer, type WakeTimer } from '../scheduling/wake-timer.js'
import { toMessageDto, toTicketDto } from '../tickets/ticket-repository.js'
import type { RetryPolicy } from './backoff.js'
import { subscribedEndpoints } from './channels/index.js'
import { deliveryRoutes } from './delivery-routes.js'
import {
  createDeliveryWorker,
  type DeliverySettings,
  type DeliveryWorker,
} from './delivery-worker.js'
import { integrationRoutes } from './integration-routes.js'
import { listenOn } from './listen.js'
import { OUTBOX_CHANNEL } from './outbox-signal.js'
import { pushRoutes } from './push-routes.js'
import { templateRoutes } from './template-routes.js'
import { resolveVapidKeys, type VapidKeys } from './vapid.js'

export interface NotificationsPluginOptions {
  settings: DeliverySettings
  /** Run the timer-driven worker. Off, nothing is sent unless `app.notifications.runDue()` is called. */
  worker: boolean
  policy?: RetryPolicy
  random?: () => number
  sendTimeoutMs?: number
  leaseMs?: number
}

export interface Notifications {
  worker: DeliveryWorker
  /** Sends what is due now (or at `at`, for tests with their own clock). */
  runDue: DeliveryWorker['runDue']
  /** Something was queued: look now (no-op while the timer is off). */
  wake(): void
  /** Email and SMS are kept by the built-in sink rather than sent. */
  sink: { email: boolean; sms: boolean }
  vapidPublicKey(): Promise<string>
}

declare module 'fastify' {
  interface FastifyInstance {
    notifications: Notifications
  }
}

// the longest the worker sleeps without looking, should a NOTIFY be lost with its connection
const SAFETY_POLL_MS = 15 * 60_000

/**
 * Notification delivery (SPEC §7): the outbox worker, its channels, the delivery log and the
 * settings behind them (Slack, webhooks, push subscriptions, templates).
 */
export const notificationsPlugin = fp<NotificationsPluginOptions>(
  async (app, options) => {
    const log = app.log.child({ feature: 'notifications' })
    const db = app.database.db
    let vapid: Promise<VapidKeys> | null = null
    const vapidKeys = () => {
      vapid ??= resolveVapidKeys(app.database).catch((error: unknown) => {
        vapid = null
        throw error
      })
      return vapid
    }
    const mailAddress =
      options.settings.mailFrom.match(/<([^>]+)>/)?.[1] ?? options.settings.mailFrom

    const worker = createDeliveryWorker({
      database: app.database,
      clock: app.clock,
      log,
      settings: options.settings,
      policy: options.policy,
      random: options.random,
      sendTimeoutMs: options.sendTimeoutMs,
      leaseMs: options.leaseMs,
      vapid: async () => ({ ...(await vapidKeys()), subject: `mailto:${mailAddress}` }),
      replyStateChanged: (row) => {
        void tellSpaceOfReply(row.messageId).catch((error: unknown) => {
          log.warn({ err: error }, 'could not show a reply delivery state')
        })
      },
    })

    /** The ticket view shows a reply's delivery state: the space gets the message again. */
    async function tellSpaceOfReply(messageId: string | null): Promise<void> {
      if (!messageId) return
      const [message] = await db
        .select()
        .from(ticketMessages)
        .where(eq(ticketMessages.id, messageId))
      if (!message) return
      const [ticket] = await db.select().from(tickets).where(eq(tickets.id, message.ticketId))
      if (!ticket) return
      app.broadcast.toSpace(ticket.spaceId, 'ticket:message', {
        ticket: toTicketDto(ticket),
        message: toMessageDto(message),
      })
    }

    let timer: WakeTimer | null = null
    let unlisten: (() => Promise<void>) | null = null
    if (options.worker) {
      const wakeTimer = createWakeTimer({
        name: 'notifications',
        clock: app.clock,
        log,
        earliest: worker.earliest,
        run: async () => (await worker.runDue()).length > 0,
        pollMs: SAFETY_POLL_MS,
      })
      timer = wakeTimer
      app.addHook('onReady', async () => {
        try {
          unlisten = await listenOn(app.database, OUTBOX_CHANNEL, () => {
            worker.nudge()
            wakeTimer.wake()
          })
        } catch (error) {
          log.warn({ err: error }, 'LISTEN failed: other processes wake this one only by polling')
        }
        // what was queued while no server ran goes out as soon as this one is ready, without
        // holding up the start: a backlog after an outage can take longer than start-up may
        void wakeTimer.start()
      })
      app.addHook('preClose', async () => {
        await wakeTimer.stop()
        await unlisten?.().catch(() => {})
      })
    }
    // a run busy with slow sends claims the new row at once; an idle worker wakes
    const wake = () => {
      if (timer) worker.nudge()
      timer?.wake()
    }
    app.events.on('outbox.queued', () => wake())

    /**
     * Queues rows for a fact told on the bus (after its commit, so a process that dies in
     * between loses them: the one gap of these two events, documented in SPEC §7.2.5). The
     * idempotency key makes telling twice harmless.
     */
    async function queue(rows: Array<typeof notificationOutbox.$inferInsert>): Promise<void> {
      if (rows.length === 0) return
      await db.insert(notificationOutbox).values(rows).onConflictDoNothing()
      wake()
    }

    // a red hand reaches its recipients' browsers even with no Flare tab open (SPEC §3); any
    // hand reaches the webhooks subscribed to `hand.raised`
    app.events.on('hand.raised', async ({ spaceId, hand }) => {
      const now = app.clock()
      const times = { createdAt: now, updatedAt: now, queuedAt: now, nextAttemptAt: now }
      const about = { spaceId, event: 'hand.raised' as const, escalationId: hand.id, ...times }
      const endpoints = await subscribedEndpoints(db, spaceId, 'hand.raised')
      const wanting = hand.color === 'red' ? await pushRecipients(hand.id) : []
      await queue([
        ...wanting.map((userId) => ({
          ...about,
          target: `user:${userId}`,
          channel: 'push',
          idempotencyKey: `hand:${hand.id}:user:${userId}:push`,
        })),
        ...endpoints.map((id) => ({
          ...about,
          target: `webhook:${id}`,
          channel: 'webhook',
          idempotencyKey: `hand:${hand.id}:webhook:${id}`,
        })),
      ])
    })

    /** The red hand's recipients who allowed push. */
    async function pushRecipients(handId: string): Promise<string[]> {
      const [row] = await db
        .select({ notified: escalations.notifiedUserIds })
        .from(escalations)
        .where(eq(escalations.id, handId))
      const notified = row?.notified ?? []
      if (notified.length === 0) return []
      const people = await db
        .select({ id: users.id, preferences: users.preferences })
        .from(users)
        .where(inArray(users.id, notified))
      return people.filter((p) => p.preferences.push).map((p) => p.id)
    }

    // "I'm on it" reaches the webhooks subscribed to `ticket.acknowledged`, once per firing
    app.events.on('ticket.acknowledged', async ({ spaceId, acknowledged }) => {
      const endpoints = await subscribedEndpoints(db, spaceId, 'ticket.acknowledged')
      const now = app.clock()
      await queue(
        endpoints.map((id) => ({
          spaceId,
          event: 'ticket.acknowledged' as const,
          firingId: acknowledged.firingId,
          ticketId: acknowledged.ticketId,
          target: `webhook:${id}`,
          channel: 'webhook',
          idempotencyKey: `ack:${acknowledged.firingId}:webhook:${id}`,
          createdAt: now,
          updatedAt: now,
          queuedAt: now,
          nextAttemptAt: now,
        })),
      )
    })

    app.decorate('notifications', {
      worker,
      runDue: worker.runDue,
      wake,
      sink: { email: options.settings.smtpUrl === null, sms: options.settings.sms === null },
      vapidPublicKey: async () => (await vapidKeys()).publicKey,
    } satisfies Notifications)

    // the short link in every notification: `/t/:ticketId` opens the ticket in its space for a
    // signed-in member of that space; anyone else goes to `/?ticket=…`, where signing in opens
    // it, and learns nothing of whether the ticket exists or where (SPEC §7.4)
    app.get<{ Params: { ticketId: string } }>(
      '/t/:ticketId',
      { schema: { hide: true } },
      async (request, reply) => {
        const id = request.params.ticketId
        if (!parse(Uuid, id).ok) return reply.redirect('/', 302)
        // signed out (or a session that no longer holds): as anyone else
        const userId = (await app.identify(request.headers).catch(() => null))?.userId
        const [ticket] = userId
          ? await db
              .select({ spaceId: tickets.spaceId })
              .from(tickets)
              .innerJoin(
                memberships,
                and(eq(memberships.spaceId, tickets.spaceId), eq(memberships.userId, userId)),
              )
              .where(eq(tickets.id, id))
          : []
        const to = ticket ? `/spaces/${ticket.spaceId}?ticket=${id}` : `/?ticket=${id}`
        return reply.header('cache-control', 'no-store').redirect(to, 302)
      },
    )

    await app.register(
      async (api) => {
        await api.register(deliveryRoutes, { wake })
        await api.register(integrationRoutes, {
          allowPrivateUrls: options.settings.allowPrivateUrls,
          sendTimeoutMs: options.sendTimeoutMs ?? 10_000,
        })
        await api.register(pushRoutes, { allowPrivateUrls: options.settings.allowPrivateUrls })
        await api.register(templateRoutes, { publicUrl: options.settings.publicUrl })
      },
      { prefix: '/api' },
    )
  },
  { name: 'notifications', dependencies: ['database', 'auth', 'events', 'socket-server'] },
)
