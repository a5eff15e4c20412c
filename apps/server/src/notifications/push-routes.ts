import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  PushPublicKeyResponse,
  PushSubscriptionCreate,
  PushSubscriptionDelete,
  Uuid,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import { and, eq, sql } from 'drizzle-orm'
import { acknowledge } from '../automation/acknowledgements.js'
import { pushSubscriptions, users } from '../db/schema.js'
import { badRequest } from '../errors.js'
import { identityOf, membershipOf } from '../plugins/auth.js'
import { outboundUrlProblem } from './outbound-http.js'

/** Web Push (SPEC §7): the server's public key and each user's browsers. */
export const pushRoutes: FastifyPluginAsyncTypebox<{ allowPrivateUrls: boolean }> = async (
  app,
  { allowPrivateUrls },
) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody }

  app.get(
    '/push/public-key',
    {
      schema: {
        tags: ['notifications'],
        summary: "The server's VAPID public key, for PushManager.subscribe",
        response: { 200: PushPublicKeyResponse, ...errors },
      },
      preHandler: app.requireUser,
    },
    async () => ({ publicKey: await app.notifications.vapidPublicKey() }),
  )

  app.post(
    '/me/push-subscriptions',
    {
      schema: {
        tags: ['notifications'],
        summary: "Keep this browser's push subscription, and turn push notifications on",
        body: PushSubscriptionCreate,
        response: { 201: Type.Object({ subscribed: Type.Boolean() }), ...errors },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      const { userId } = identityOf(request)
      const body = request.body
      const problem = await outboundUrlProblem(body.endpoint, allowPrivateUrls)
      if (problem) throw badRequest(`endpoint: ${problem}`, 'endpoint')
      await db.transaction(async (tx) => {
        // one browser has one subscription: a new login on it takes it over
        await tx
          .insert(pushSubscriptions)
          .values({
            userId,
            endpoint: body.endpoint,
            p256dh: body.keys.p256dh,
            auth: body.keys.auth,
            createdAt: app.clock(),
          })
          .onConflictDoUpdate({
            target: pushSubscriptions.endpoint,
            set: { userId, p256dh: body.keys.p256dh, auth: body.keys.auth },
          })
        await tx
          .update(users)
          .set({ preferences: sql`${users.preferences} || '{"push": true}'::jsonb` })
          .where(eq(users.id, userId))
      })
      return reply.code(201).send({ subscribed: true })
    },
  )

  app.delete(
    '/me/push-subscriptions',
    {
      schema: {
        tags: ['notifications'],
        summary: "Forget this browser's push subscription",
        body: PushSubscriptionDelete,
        response: { 200: Type.Object({ deleted: Type.Boolean() }), ...errors },
      },
      preHandler: app.requireUser,
    },
    async (request) => {
      const { userId } = identityOf(request)
      const { endpoint } = request.body
      const gone = await db
        .delete(pushSubscriptions)
        .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
        .returning({ id: pushSubscriptions.id })
      return { deleted: gone.length > 0 }
    },
  )

  // "I'm on it" from a push notification: the service worker has no socket, only the cookie
  app.post(
    '/spaces/:spaceId/firings/:firingId/acknowledge',
    {
      schema: {
        tags: ['notifications'],
        summary:
          '"I\'m on it" for an automatic escalation that went to you (as ticket:acknowledge)',
        params: Type.Object({ spaceId: Uuid, firingId: Uuid }),
        response: {
          200: Type.Object({
            acknowledged: Type.Object({
              firingId: Type.String(),
              ticketId: Type.String(),
              userId: Type.String(),
              at: Type.String(),
            }),
          }),
          ...errors,
          403: ApiErrorBody,
          404: ApiErrorBody,
        },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { firingId } = request.params
      return {
        acknowledged: await acknowledge(
          { db, broadcast: app.broadcast, clock: app.clock, events: app.events },
          spaceId,
          userId,
          firingId,
        ),
      }
    },
  )
}
