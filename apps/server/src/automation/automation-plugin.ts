import fp from 'fastify-plugin'
import { ESCALATION_TIMER, RECOMPUTE_TIMER } from '../scheduling/due-instants.js'
import { triggerRoutes } from '../triggers/trigger-routes.js'
import { createAckLinks } from './ack-links.js'
import { acknowledgementApiRoutes, acknowledgementLinkRoutes } from './acknowledgement-routes.js'
import { type Acknowledgements, createAcknowledgements } from './acknowledgement-service.js'
import { createDelivery } from './acknowledgements.js'
import { createDueRecompute, type DueRecompute } from './due-recompute.js'
import { createRuleFiringScheduler, type RuleFiringScheduler } from './rule-firing-scheduler.js'
import { ruleRoutes } from './rule-routes.js'
import { createRuleService, type RuleService } from './rule-service.js'
import { settingsRoutes } from './settings-routes.js'

export interface AutomationPluginOptions {
  /**
   * Run the timer-driven loop. Off, nothing fires unless `app.scheduler.runDue(now)` is
   * called (tests do, with their own clock). The recompute after a rule or calendar change
   * runs either way: it is work asked for, not time passing.
   */
  scheduler: boolean
  /** Tickets claimed per transaction. */
  batchSize?: number
  /** Signs the "I'm on it" links of emails and Slack messages (the session secret). */
  linkSecret: string
  /** Where the links point (`PUBLIC_URL`). */
  publicUrl: string
}

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: RuleFiringScheduler
    escalationRules: RuleService
    /** "I'm on it", let go and snooze, from every channel (SPEC §11.2). */
    acknowledgements: Acknowledgements
    /** The background recompute of due instants after rule and calendar changes. */
    dueRecompute: DueRecompute
  }
}

/** Automatic escalations (SPEC §5, §6, in-app §7): rules, business hours, the scheduler. */
export const automationPlugin = fp<AutomationPluginOptions>(
  async (app, options) => {
    const db = app.database.db
    const log = app.log.child({ feature: 'automation' })
    const deliverInApp = createDelivery({
      broadcast: app.broadcast,
      announce: app.tickets.service.announce,
    })
    const scheduler = createRuleFiringScheduler({
      database: app.database,
      clock: app.clock,
      log,
      delivered: async (processed) => {
        await deliverInApp(processed)
        // the firings' other channels wait in the outbox: this process's worker sends them now
        for (const spaceId of new Set(
          processed.flatMap((p) => p.firings.map((firing) => firing.spaceId)),
        )) {
          void app.events.publish('outbox.queued', { spaceId })
        }
      },
      batchSize: options.batchSize,
    })
    const recompute = createDueRecompute({ db, clock: app.clock, log })
    const rules = createRuleService({ db, clock: app.clock, events: app.events })
    const acknowledgements = createAcknowledgements({
      db,
      clock: app.clock,
      broadcast: app.broadcast,
      announce: app.tickets.service.announce,
      events: app.events,
      links: createAckLinks(options.linkSecret, options.publicUrl),
    })
    app.decorate('scheduler', scheduler)
    app.decorate('escalationRules', rules)
    app.decorate('dueRecompute', recompute)
    app.decorate('acknowledgements', acknowledgements)

    // the change asked for the recompute in its own transaction; this only starts it now
    app.events.on('rule.changed', () => recompute.wake())
    app.events.on('calendar.changed', () => recompute.wake())
    app.events.on('sla.changed', () => recompute.wake())
    // other processes' tickets falling due, recomputes they asked for, the database's return
    app.timerSignals.attach(ESCALATION_TIMER, scheduler.timer)
    app.timerSignals.attach(RECOMPUTE_TIMER, recompute.timer)

    await app.register(
      async (api) => {
        await api.register(ruleRoutes, { rules })
        await api.register(settingsRoutes, { rules, recompute })
        await api.register(acknowledgementApiRoutes)
        await api.register(triggerRoutes)
      },
      { prefix: '/api' },
    )
    await app.register(acknowledgementLinkRoutes, { publicUrl: options.publicUrl })

    app.addHook('onReady', async () => {
      // a recompute a process asked for and did not finish (it died) goes on here, without
      // holding up the start
      void recompute.start()
      // what fell due while no server ran fires as soon as this one is ready (SPEC §6.3.4)
      if (options.scheduler) await scheduler.start()
    })
    app.addHook('preClose', async () => {
      await scheduler.stop()
      await recompute.stop()
    })
  },
  {
    name: 'automation',
    dependencies: ['database', 'auth', 'socket-server', 'tickets', 'events', 'timer-signals'],
  },
)
