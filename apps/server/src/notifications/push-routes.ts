import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  PushPublicKeyResponse,
  PushSubscriptionCreate,
  PushSubscriptionDelete,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import { and, desc, eq, notInArray, or, sql } from 'drizzle-orm'
import { pushSubscriptions, users } from '../db/schema.js'
import { badRequest, conflict } from '../errors.js'
import { identityOf } from '../plugins/auth.js'
import { MAX_PUSH_SUBSCRIPTIONS } from './channels/push.js'
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
        response: {
          201: Type.Object({ subscribed: Type.Boolean() }),
          ...errors,
          409: ApiErrorBody,
        },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      const { userId } = identityOf(request)
      const body = request.body
      const problem = await outboundUrlProblem(body.endpoint, allowPrivateUrls)
      if (problem) throw badRequest(`endpoint: ${problem}`, 'endpoint')
      await db.transaction(async (tx) => {
        // one browser has one subscription: a new login on it takes it over, and proves it is
        // that browser by the subscription's keys (which only it and this server know); the
        // endpoint alone, a URL that can leak, takes over nobody's notifications
        const [stored] = await tx
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
            // subscribed again: the newest of their browsers, the last the cap forgets
            set: { userId, p256dh: body.keys.p256dh, auth: body.keys.auth, createdAt: app.clock() },
            setWhere: or(
              eq(pushSubscriptions.userId, userId),
              and(
                eq(pushSubscriptions.p256dh, body.keys.p256dh),
                eq(pushSubscriptions.auth, body.keys.auth),
              ),
            ),
          })
          .returning({ id: pushSubscriptions.id })
        if (!stored) {
          throw conflict('This push endpoint belongs to another browser; subscribe again from it.')
        }
        // beyond the cap, their oldest browsers go
        const kept = tx
          .select({ id: pushSubscriptions.id })
          .from(pushSubscriptions)
          .where(eq(pushSubscriptions.userId, userId))
          .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id))
          .limit(MAX_PUSH_SUBSCRIPTIONS)
        await tx
          .delete(pushSubscriptions)
          .where(and(eq(pushSubscriptions.userId, userId), notInArray(pushSubscriptions.id, kept)))
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
}
