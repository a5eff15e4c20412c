import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  SlackIntegrationResponse,
  SlackIntegrationUpdate,
  SpaceParams,
  WebhookCreate,
  WebhookCreated,
  WebhookListResponse,
  WebhookParams,
  WebhookTestResult,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import { and, asc, eq } from 'drizzle-orm'
import { generateSecret } from '../auth/secrets.js'
import { auditLog, slackIntegrations, webhookEndpoints } from '../db/schema.js'
import { badRequest, notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import type { Tx } from '../tickets/ticket-repository.js'
import { DeliveryError } from './channels/index.js'
import { postSigned } from './channels/webhook.js'
import { outboundUrlProblem, sendOutbound } from './outbound-http.js'

/** Integration changes go to the audit log (SPEC §8) beside rule and setting changes. */
async function audit(
  tx: Tx,
  entry: {
    spaceId: string
    actorUserId: string
    action: 'create' | 'update' | 'delete'
    entity: 'slack_integration' | 'webhook'
    entityId: string
    before: unknown
    after: unknown
    at: Date
  },
): Promise<void> {
  await tx.insert(auditLog).values(entry)
}

export interface IntegrationRoutesOptions {
  allowPrivateUrls: boolean
  sendTimeoutMs: number
}

/** Slack and signed webhooks of a space (SPEC §7): admins and managers set them up. */
export const integrationRoutes: FastifyPluginAsyncTypebox<IntegrationRoutesOptions> = async (
  app,
  { allowPrivateUrls, sendTimeoutMs },
) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody }
  const writer = app.requireSpaceRole('admin', 'manager')

  async function checkUrl(url: string, field: string): Promise<void> {
    const problem = await outboundUrlProblem(url, allowPrivateUrls)
    if (problem) throw badRequest(`${field}: ${problem}`, field)
  }

  app.get(
    '/spaces/:spaceId/integrations/slack',
    {
      schema: {
        tags: ['notifications'],
        summary: "The space's Slack incoming webhook (admins and managers)",
        params: SpaceParams,
        response: { 200: SlackIntegrationResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const [row] = await db
        .select()
        .from(slackIntegrations)
        .where(eq(slackIntegrations.spaceId, spaceId))
      return { webhookUrl: row?.webhookUrl ?? null }
    },
  )

  app.put(
    '/spaces/:spaceId/integrations/slack',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'Connect Slack: escalations post to this incoming-webhook URL (admins and managers)',
        params: SpaceParams,
        body: SlackIntegrationUpdate,
        response: { 200: SlackIntegrationResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { webhookUrl } = request.body
      await checkUrl(webhookUrl, 'webhookUrl')
      const now = app.clock()
      await db.transaction(async (tx) => {
        const [before] = await tx
          .select()
          .from(slackIntegrations)
          .where(eq(slackIntegrations.spaceId, spaceId))
        await tx
          .insert(slackIntegrations)
          .values({ spaceId, webhookUrl, updatedAt: now, updatedBy: userId })
          .onConflictDoUpdate({
            target: slackIntegrations.spaceId,
            set: { webhookUrl, updatedAt: now, updatedBy: userId },
          })
        // the URL is a credential: the audit log says it changed, not what it is
        await audit(tx, {
          spaceId,
          actorUserId: userId,
          action: before ? 'update' : 'create',
          entity: 'slack_integration',
          entityId: spaceId,
          before: before ? { connected: true } : null,
          after: { connected: true },
          at: now,
        })
      })
      return { webhookUrl }
    },
  )

  app.delete(
    '/spaces/:spaceId/integrations/slack',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Disconnect Slack (admins and managers)',
        params: SpaceParams,
        response: { 200: SlackIntegrationResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      await db.delete(slackIntegrations).where(eq(slackIntegrations.spaceId, spaceId))
      return { webhookUrl: null }
    },
  )

  app.get(
    '/spaces/:spaceId/webhooks',
    {
      schema: {
        tags: ['notifications'],
        summary: "The space's webhook endpoints, without their secrets (admins and managers)",
        params: SpaceParams,
        response: { 200: WebhookListResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const rows = await db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.spaceId, spaceId))
        .orderBy(asc(webhookEndpoints.createdAt))
      return {
        webhooks: rows.map((r) => ({
          id: r.id,
          url: r.url,
          events: r.events,
          createdAt: r.createdAt.toISOString(),
        })),
      }
    },
  )

  app.post(
    '/spaces/:spaceId/webhooks',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'Add a webhook endpoint; the answer holds its signing secret, shown this once (admins and managers)',
        params: SpaceParams,
        body: WebhookCreate,
        response: { 201: WebhookCreated, ...errors },
      },
      preHandler: writer,
    },
    async (request, reply) => {
      const { spaceId, userId } = membershipOf(request)
      const body = request.body
      await checkUrl(body.url, 'url')
      const now = app.clock()
      const row = await db.transaction(async (tx) => {
        const [stored] = await tx
          .insert(webhookEndpoints)
          .values({
            spaceId,
            url: body.url,
            secret: `whsec_${generateSecret()}`,
            events: body.events ?? ['ticket.escalated'],
            createdAt: now,
            createdBy: userId,
          })
          .returning()
        if (!stored) throw new Error('webhook was not stored')
        await audit(tx, {
          spaceId,
          actorUserId: userId,
          action: 'create',
          entity: 'webhook',
          entityId: stored.id,
          before: null,
          after: { url: stored.url, events: stored.events },
          at: now,
        })
        return stored
      })
      return reply.code(201).send({
        webhook: {
          id: row.id,
          url: row.url,
          events: row.events,
          secret: row.secret,
          createdAt: row.createdAt.toISOString(),
        },
      })
    },
  )

  app.delete(
    '/spaces/:spaceId/webhooks/:webhookId',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Remove a webhook endpoint (admins and managers)',
        params: WebhookParams,
        response: { 200: Type.Object({ deleted: Type.Boolean() }), ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { webhookId } = request.params
      const now = app.clock()
      await db.transaction(async (tx) => {
        const [gone] = await tx
          .delete(webhookEndpoints)
          .where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.spaceId, spaceId)))
          .returning()
        if (!gone) throw notFound('No such webhook in this space.')
        await audit(tx, {
          spaceId,
          actorUserId: userId,
          action: 'delete',
          entity: 'webhook',
          entityId: gone.id,
          before: { url: gone.url, events: gone.events },
          after: null,
          at: now,
        })
      })
      return { deleted: true }
    },
  )

  app.post(
    '/spaces/:spaceId/webhooks/:webhookId/test',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Send a signed `ping` event to the endpoint now and say how it answered',
        params: WebhookParams,
        response: { 200: WebhookTestResult, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const { webhookId } = request.params
      const [endpoint] = await db
        .select()
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.spaceId, spaceId)))
      if (!endpoint) throw notFound('No such webhook in this space.')
      const now = app.clock()
      const deliveryId = randomUUID()
      const body = JSON.stringify({
        event: 'ping',
        deliveryId,
        occurredAt: now.toISOString(),
        space: { id: spaceId },
        webhook: { id: endpoint.id, events: endpoint.events },
      })
      try {
        const status = await postSigned(
          {
            now,
            http: (req) =>
              sendOutbound({ ...req, timeoutMs: sendTimeoutMs, allowPrivate: allowPrivateUrls }),
          },
          endpoint,
          { event: 'ping', deliveryId, idempotencyKey: `ping:${deliveryId}`, body },
        )
        return { delivered: true, status, error: null }
      } catch (error) {
        const message = error instanceof DeliveryError ? error.message : String(error)
        const status = Number(message.match(/HTTP (\d{3})/)?.[1] ?? Number.NaN)
        return { delivered: false, status: Number.isNaN(status) ? null : status, error: message }
      }
    },
  )
}
