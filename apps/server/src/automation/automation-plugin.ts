import { parse, SpaceParams } from '@flare/protocol'
import fp from 'fastify-plugin'
import { createDelivery } from './acknowledgements.js'
import { createEscalationScheduler, type EscalationScheduler } from './escalation-scheduler.js'
import { ruleRoutes } from './rule-routes.js'
import { createRuleService, type RuleService } from './rule-service.js'
import { settingsRoutes } from './settings-routes.js'

export interface AutomationPluginOptions {
  /**
   * Run the timer-driven loop. Off, nothing fires unless `app.scheduler.runDue(now)` is
   * called (tests do, with their own clock).
   */
  scheduler: boolean
  /** Tickets claimed per transaction. */
  batchSize?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: EscalationScheduler
    escalationRules: RuleService
  }
}

const INBOX_ROUTE = '/api/spaces/:spaceId/inboxes/:inboxId'

/** Automatic escalations (SPEC §5, §6, in-app §7): rules, business hours, the scheduler. */
export const automationPlugin = fp<AutomationPluginOptions>(
  async (app, options) => {
    const db = app.database.db
    const log = app.log.child({ feature: 'automation' })
    const io = app.realtime.io
    const deliverInApp = createDelivery({ db, io, clock: app.clock })
    const scheduler = createEscalationScheduler({
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
    const rules = createRuleService({
      db,
      clock: app.clock,
      rulesChanged: async (spaceId) => {
        await scheduler.recomputeSpace(spaceId)
      },
    })
    app.decorate('scheduler', scheduler)
    app.decorate('escalationRules', rules)

    // every committed ticket change moves its due instant before the change is answered
    app.tickets.service.onChanged((ticketIds) => scheduler.recompute(ticketIds))

    // an inbox's own calendar is changed by the inbox routes: recompute before answering
    app.addHook('onSend', async (request, reply, payload) => {
      if (
        request.method === 'PATCH' &&
        request.routeOptions.url === INBOX_ROUTE &&
        reply.statusCode === 200 &&
        typeof request.body === 'object' &&
        request.body !== null &&
        'calendar' in request.body
      ) {
        const params = parse(SpaceParams, request.params)
        if (params.ok) await scheduler.recomputeSpace(params.value.spaceId)
      }
      return payload
    })

    await app.register(
      async (api) => {
        await api.register(ruleRoutes, { rules })
        await api.register(settingsRoutes, {
          rules,
          calendarChanged: async (spaceId) => {
            await scheduler.recomputeSpace(spaceId)
          },
        })
      },
      { prefix: '/api' },
    )

    if (options.scheduler) {
      // what fell due while no server ran fires as soon as this one is ready (SPEC §6.3.4)
      app.addHook('onReady', async () => {
        await scheduler.start()
      })
    }
    app.addHook('preClose', async () => {
      await scheduler.stop()
    })
  },
  { name: 'automation', dependencies: ['database', 'auth', 'socket-server', 'tickets'] },
)
