import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  AuditQuery,
  AuditResponse,
  MetricsQuery,
  MetricsResponse,
  PerspectiveQuery,
  PerspectiveResponse,
  SpaceParams,
} from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import { groups, inboxes, spaces } from '../db/schema.js'
import { badRequest, notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { listAudit } from './audit.js'
import { computeMetrics } from './metrics.js'
import { resolvePeriod } from './period.js'
import { filterOf, listPerspective } from './perspective.js'

/**
 * The supervisor's reading routes (SPEC §8.2–§8.4): metrics, the perspective of escalated
 * tickets and the audit log. Admins and managers only: agents get 403.
 */
export const supervisorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody }
  const writer = app.requireSpaceRole('admin', 'manager')

  app.get(
    '/spaces/:spaceId/metrics',
    {
      schema: {
        tags: ['supervisor'],
        summary: 'Escalation, SLA and raised-hand figures over a period (admins and managers)',
        description:
          "`from` and `to` are local dates of the space's timezone (both days counted) or instants " +
          'with an offset; by default the last 7 days, today included. Ticket figures are about the ' +
          'tickets created in the period (as they are now); hand figures about the hands raised in ' +
          'it. Every figure comes with its counts; `series` charts them by the hour (two days or ' +
          'less) or by the local day. `inboxId` and `priority` narrow the tickets; `teamId` (a ' +
          'group) the tickets assigned to its members and the hands they raised.',
        params: SpaceParams,
        querystring: MetricsQuery,
        response: { 200: MetricsResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const query = request.query
      if (query.inboxId) {
        const [inbox] = await db
          .select({ id: inboxes.id })
          .from(inboxes)
          .where(and(eq(inboxes.id, query.inboxId), eq(inboxes.spaceId, spaceId)))
        if (!inbox) throw badRequest('inboxId: no such inbox in this space', 'inboxId')
      }
      if (query.teamId) {
        const [team] = await db
          .select({ id: groups.id })
          .from(groups)
          .where(and(eq(groups.id, query.teamId), eq(groups.spaceId, spaceId)))
        if (!team) throw badRequest('teamId: no such team in this space', 'teamId')
      }
      const [space] = await db
        .select({ timezone: spaces.timezone })
        .from(spaces)
        .where(eq(spaces.id, spaceId))
      if (!space) throw notFound('No such space.')
      const now = app.clock()
      const period = resolvePeriod(query, space.timezone, now)
      return computeMetrics(
        app.database,
        {
          spaceId,
          inboxId: query.inboxId ?? null,
          priority: query.priority ?? null,
          teamId: query.teamId ?? null,
        },
        period,
        space.timezone,
        now,
      )
    },
  )

  app.get(
    '/spaces/:spaceId/perspective',
    {
      schema: {
        tags: ['supervisor'],
        summary: 'Tickets that received an escalation, newest firing first (admins and managers)',
        description:
          'Each ticket once, with its latest firing among those `level` and `ruleId` select: the ' +
          'rule, the level, who was notified, who acknowledged and when. Paged with `cursor` ' +
          "(the previous page's `nextCursor`). Live changes arrive as the Socket.IO event " +
          '`perspective:updated`.',
        params: SpaceParams,
        querystring: PerspectiveQuery,
        response: { 200: PerspectiveResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const query = request.query
      return listPerspective(db, membershipOf(request).spaceId, filterOf(query), {
        cursor: query.cursor,
        limit: query.limit ? Number(query.limit) : undefined,
      })
    },
  )

  app.get(
    '/spaces/:spaceId/audit',
    {
      schema: {
        tags: ['supervisor'],
        summary: 'Who changed which rule or setting, when, before and after (admins and managers)',
        description:
          'Newest first, paged with `cursor`; `kind` filters by what changed (comma-separated). ' +
          'Each entry carries `changes`: every value that differs, by dotted path.',
        params: SpaceParams,
        querystring: AuditQuery,
        response: { 200: AuditResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => listAudit(db, membershipOf(request).spaceId, request.query),
  )
}
