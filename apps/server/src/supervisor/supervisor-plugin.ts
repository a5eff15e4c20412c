import { and, eq, inArray } from 'drizzle-orm'
import fp from 'fastify-plugin'
import { memberships } from '../db/schema.js'
import { compactMetricCounts } from './metric-counts.js'
import { listPerspective } from './perspective.js'
import { supervisorRoutes } from './supervisor-routes.js'
import { createWallboardFeeds, type WallboardFeeds } from './wallboard-feeds.js'
import { wallboardRoutes } from './wallboard-routes.js'

export interface SupervisorPluginOptions {
  publicUrl: string
  /** How often open wallboards are counted again without a change in this process. */
  wallboardRefreshMs?: number
  /** How often the metric deltas are folded into the kept counts (decision 0010). */
  metricsCompactMs?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The live counts of open wallboards (SPEC §8.5). */
    wallboards: WallboardFeeds
  }
}

/**
 * The supervisor's view (SPEC §8.2–§8.5): metrics, the live perspective of escalated tickets,
 * the audit log and wallboards. Reads what the other features wrote; writes only wallboards.
 */
export const supervisorPlugin = fp<SupervisorPluginOptions>(
  async (app, options) => {
    const db = app.database.db
    const log = app.log.child({ feature: 'supervisor' })
    const feeds = createWallboardFeeds({
      database: app.database,
      clock: app.clock,
      log,
      broadcast: app.broadcast,
      refreshMs: options.wallboardRefreshMs,
    })
    app.decorate('wallboards', feeds)

    async function writersOf(spaceId: string): Promise<string[]> {
      const rows = await db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(
          and(eq(memberships.spaceId, spaceId), inArray(memberships.role, ['admin', 'manager'])),
        )
      return rows.map((r) => r.userId)
    }

    /** The perspective rows of changed tickets, to the space's admins and managers. */
    async function tellSupervisors(spaceId: string, ticketIds: string[]): Promise<void> {
      const { items } = await listPerspective(
        db,
        spaceId,
        { ticketIds },
        { limit: ticketIds.length },
      )
      if (items.length === 0) return
      const writers = await writersOf(spaceId)
      for (const item of items) app.broadcast.toUsers(spaceId, writers, 'perspective:updated', item)
    }

    app.events.on('ticket.changed', async ({ spaceId, ticketIds }) => {
      feeds.changed(spaceId)
      await tellSupervisors(spaceId, ticketIds)
    })
    app.events.on('ticket.acknowledged', ({ spaceId, acknowledged }) =>
      tellSupervisors(spaceId, [acknowledged.ticketId]),
    )
    app.events.on('hand.raised', ({ spaceId }) => feeds.changed(spaceId))
    app.events.on('hand.ended', ({ spaceId }) => feeds.changed(spaceId))

    await app.register(
      async (api) => {
        await api.register(supervisorRoutes)
        await api.register(wallboardRoutes, { feeds, publicUrl: options.publicUrl })
      },
      { prefix: '/api' },
    )

    // every process folds the deltas now and then (one at a time, by a lock in the database):
    // readers sum the deltas too, so this only keeps them few
    const compaction = setInterval(() => {
      compactMetricCounts(app.database).catch((error: unknown) =>
        log.warn({ err: error }, 'folding the metric deltas failed; the next round retries'),
      )
    }, options.metricsCompactMs ?? 60_000)
    compaction.unref()

    app.addHook('preClose', async () => {
      clearInterval(compaction)
      feeds.stop()
    })
  },
  {
    name: 'supervisor',
    dependencies: ['database', 'auth', 'events', 'socket-server', 'authority', 'websocket'],
  },
)
