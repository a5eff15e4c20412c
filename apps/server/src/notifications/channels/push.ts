import { createHash } from 'node:crypto'
import type { PushPayload } from '@flare/protocol'
import { desc, eq, inArray } from 'drizzle-orm'
import webpush from 'web-push'
import { pushSubscriptions } from '../../db/schema.js'
import { OutboundError } from '../outbound-http.js'
import {
  type Channel,
  type DeliveryContext,
  DeliveryError,
  type OutboxRow,
  userIdOf,
} from './channel.js'

/**
 * The browsers one person keeps push subscriptions for: a desk, a laptop, a phone or two and
 * room to spare. Subscribing one more forgets their oldest (`POST /me/push-subscriptions`) and a
 * delivery goes to the newest this many at most, so nobody can make one delivery fan out to
 * thousands of endpoints (each send may take the whole send timeout).
 */
export const MAX_PUSH_SUBSCRIPTIONS = 10

/** How long a push service keeps a message for a browser that is offline. */
const TTL_SECONDS = 60 * 60

async function payloadOf(row: OutboxRow, context: DeliveryContext): Promise<PushPayload> {
  const facts = await context.facts(row)
  // a repeat of the same row replaces the notification instead of showing a second one
  const tag = `flare:${row.idempotencyKey}`
  if (row.event === 'hand.raised') {
    const hand = facts.hand
    return {
      kind: 'hand.raised',
      title: `${hand?.raiserName ?? 'Someone'} needs help`,
      body: hand?.message || 'A red raised hand in the space',
      url: facts.link,
      tag,
      spaceId: row.spaceId,
    }
  }
  const rendered = await context.render(row, 'push')
  return {
    kind: 'ticket.escalated',
    title: rendered.subject ?? 'Escalation',
    body: rendered.text,
    url: facts.link,
    tag,
    spaceId: row.spaceId,
    ...(row.firingId ? { firingId: row.firingId } : {}),
  }
}

/**
 * Web Push to every browser the user allowed it in, signed with the server's VAPID keys. The
 * service worker (`apps/web/public/sw.js`) shows it with "Open" and "I'm on it", also when no
 * Flare tab is open. A subscription the push service says is gone (404, 410) is deleted.
 */
export const pushChannel: Channel = {
  name: 'push',
  queued: true,
  targetsFor(audience) {
    return audience.userIds
      .filter((id) => audience.people.get(id)?.preferences.push === true)
      .map((id) => `user:${id}`)
  },
  async deliver(row, context) {
    const userId = userIdOf(row.target)
    if (!userId) throw new DeliveryError(`a push cannot go to ${row.target}`, false)
    const subscriptions = await context.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, userId))
      .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id))
      .limit(MAX_PUSH_SUBSCRIPTIONS)
    if (subscriptions.length === 0) {
      throw new DeliveryError('no browser of this user has allowed push notifications', false)
    }
    const payload = JSON.stringify(await payloadOf(row, context))
    const vapid = await context.vapid()
    // the push service keeps one pending message per topic: a repeat replaces, never adds
    const topic = createHash('sha256').update(row.idempotencyKey).digest('base64url').slice(0, 32)
    const gone: string[] = []
    const failures: DeliveryError[] = []
    let sent = 0
    // every browser at once: one that never answers costs the send timeout once, not once per
    // browser after it (at most MAX_PUSH_SUBSCRIPTIONS of them)
    const sendTo = async (subscription: (typeof subscriptions)[number]): Promise<void> => {
      const request = webpush.generateRequestDetails(
        {
          endpoint: subscription.endpoint,
          keys: { p256dh: subscription.p256dh, auth: subscription.auth },
        },
        payload,
        {
          vapidDetails: vapid,
          TTL: TTL_SECONDS,
          topic,
          urgency: 'high',
          contentEncoding: 'aes128gcm',
        },
      )
      try {
        const answer = await context.http({
          method: 'POST',
          url: request.endpoint,
          headers: { ...request.headers, 'idempotency-key': row.idempotencyKey },
          body: request.body,
        })
        if (answer.status === 404 || answer.status === 410) {
          gone.push(subscription.id)
          return
        }
        if (answer.status >= 200 && answer.status < 300) sent += 1
        else {
          const retryable = answer.status === 429 || answer.status >= 500
          failures.push(
            new DeliveryError(`the push service answered HTTP ${answer.status}`, retryable),
          )
        }
      } catch (error) {
        failures.push(
          error instanceof OutboundError
            ? new DeliveryError(`push: ${error.message}`, error.retryable)
            : new DeliveryError(`push: ${String(error)}`, false),
        )
      }
    }
    await Promise.all(subscriptions.map(sendTo))
    if (gone.length > 0) {
      await context.db.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, gone))
    }
    if (sent > 0) return { providerId: `${sent} of ${subscriptions.length} browsers` }
    const retryable = failures.find((f) => f.retryable)
    if (retryable) throw retryable
    throw (
      failures[0] ??
      new DeliveryError('every browser of this user has unsubscribed from push', false)
    )
  },
}
