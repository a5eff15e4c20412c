import { createHmac } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { webhookEndpoints } from '../../db/schema.js'
import type { MessageFacts } from '../message-facts.js'
import { OutboundError } from '../outbound-http.js'
import { type Channel, checkHttpAnswer, type DeliveryContext, DeliveryError } from './channel.js'

/**
 * `Flare-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. A receiver
 * recomputes it over the raw body it got and refuses a stale `t`, so a captured delivery cannot
 * be replayed later.
 *
 * @example
 * signatureHeader(secret, body, new Date()) // → 't=1700000000,v1=5f…'
 */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000)
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
  return `t=${t},v1=${v1}`
}

/** The headers of one webhook delivery. */
export function webhookHeaders(options: {
  event: string
  deliveryId: string
  idempotencyKey: string
  secret: string
  body: string
  at: Date
}): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Flare-Webhooks/1',
    'flare-event': options.event,
    'flare-delivery-id': options.deliveryId,
    'flare-signature': signatureHeader(options.secret, options.body, options.at),
    'idempotency-key': options.idempotencyKey,
  }
}

/**
 * The fixed, documented `ticket.escalated` payload (docs in the README): the ticket without
 * the customer's contact details, and the firing.
 */
export function escalationPayload(facts: MessageFacts, deliveryId: string, idempotencyKey: string) {
  const { ticket, firing } = facts
  return {
    event: 'ticket.escalated' as const,
    deliveryId,
    idempotencyKey,
    occurredAt: (firing?.escalatedAt ?? new Date(0)).toISOString(),
    space: { id: facts.spaceId, name: facts.spaceName },
    ticket: ticket
      ? {
          id: ticket.id,
          subject: ticket.subject,
          status: ticket.status,
          priority: ticket.priority,
          inboxId: ticket.inboxId,
          customerName: ticket.customerName,
          createdAt: ticket.createdAt.toISOString(),
          escalationLevel: ticket.escalationLevel,
          link: facts.link,
        }
      : null,
    escalation: firing
      ? {
          firingId: firing.id,
          ruleId: firing.ruleId,
          ruleName: firing.ruleName,
          level: firing.level,
          reason: firing.reason,
          escalatedAt: firing.escalatedAt.toISOString(),
          previousAssigneeId: firing.previousAssigneeId,
          targetUserIds: firing.targetUserIds,
        }
      : null,
  }
}

/** Posts a signed body to one endpoint and turns the answer into an outcome. */
export async function postSigned(
  context: Pick<DeliveryContext, 'http' | 'now'>,
  endpoint: { url: string; secret: string },
  delivery: { event: string; deliveryId: string; idempotencyKey: string; body: string },
): Promise<number> {
  try {
    const answer = await context.http({
      method: 'POST',
      url: endpoint.url,
      headers: webhookHeaders({ ...delivery, secret: endpoint.secret, at: context.now }),
      body: delivery.body,
    })
    checkHttpAnswer(answer, context.now, 'the endpoint')
    return answer.status
  } catch (error) {
    if (error instanceof OutboundError) {
      throw new DeliveryError(`webhook: ${error.message}`, error.retryable)
    }
    throw error
  }
}

/**
 * Signed JSON to each endpoint of the space subscribed to the event: one row per endpoint, so
 * each endpoint's delivery is retried and logged on its own.
 */
export const webhookChannel: Channel = {
  name: 'webhook',
  queued: true,
  targetsFor(audience) {
    // no endpoint yet: one row that fails saying so, rather than a rule that silently does nothing
    return audience.webhookIds.length > 0
      ? audience.webhookIds.map((id) => `webhook:${id}`)
      : ['space']
  },
  async deliver(row, context) {
    if (!row.target.startsWith('webhook:')) {
      throw new DeliveryError(
        'no webhook endpoint of this space subscribes to ticket.escalated (POST /api/spaces/:spaceId/webhooks)',
        false,
      )
    }
    const [endpoint] = await context.db
      .select()
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.id, row.target.slice('webhook:'.length)),
          eq(webhookEndpoints.spaceId, row.spaceId),
        ),
      )
    if (!endpoint) throw new DeliveryError('the webhook endpoint was deleted', false)
    const facts = await context.facts(row)
    const body = JSON.stringify(escalationPayload(facts, row.id, row.idempotencyKey))
    const status = await postSigned(context, endpoint, {
      event: 'ticket.escalated',
      deliveryId: row.id,
      idempotencyKey: row.idempotencyKey,
      body,
    })
    return { providerId: `HTTP ${status}` }
  },
}
