import { createHmac } from 'node:crypto'
import type { WebhookEvent } from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import { webhookEndpoints } from '../../db/schema.js'
import type { MessageFacts } from '../message-facts.js'
import { OutboundError } from '../outbound-http.js'
import {
  type Channel,
  checkHttpAnswer,
  type DeliveryContext,
  DeliveryError,
  type OutboxRow,
} from './channel.js'

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

function ticketOf(facts: MessageFacts) {
  const { ticket } = facts
  return ticket
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
    : null
}

function firingOf(facts: MessageFacts) {
  const { firing } = facts
  return firing
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
    : null
}

/**
 * The fixed, documented `ticket.escalated` payload (docs in the README): the ticket without
 * the customer's contact details, and the firing.
 */
export function escalationPayload(facts: MessageFacts, deliveryId: string, idempotencyKey: string) {
  return {
    event: 'ticket.escalated' as const,
    deliveryId,
    idempotencyKey,
    occurredAt: (facts.firing?.escalatedAt ?? new Date(0)).toISOString(),
    space: { id: facts.spaceId, name: facts.spaceName },
    ticket: ticketOf(facts),
    escalation: firingOf(facts),
  }
}

/**
 * The fixed `ticket.acknowledged` payload: the first "I'm on it" of a firing, with the ticket
 * and the firing as in `ticket.escalated`.
 */
export function acknowledgedPayload(
  facts: MessageFacts,
  deliveryId: string,
  idempotencyKey: string,
) {
  const acknowledged = facts.firing?.acknowledged ?? null
  return {
    event: 'ticket.acknowledged' as const,
    deliveryId,
    idempotencyKey,
    occurredAt: (acknowledged?.at ?? new Date(0)).toISOString(),
    space: { id: facts.spaceId, name: facts.spaceName },
    ticket: ticketOf(facts),
    escalation: firingOf(facts),
    acknowledgedBy: acknowledged
      ? { userId: acknowledged.userId, displayName: acknowledged.name }
      : null,
  }
}

/** The fixed `hand.raised` payload: a member asks for help in the space (yellow or red). */
export function handPayload(facts: MessageFacts, deliveryId: string, idempotencyKey: string) {
  const { hand } = facts
  return {
    event: 'hand.raised' as const,
    deliveryId,
    idempotencyKey,
    occurredAt: (hand?.startedAt ?? new Date(0)).toISOString(),
    space: { id: facts.spaceId, name: facts.spaceName },
    hand: hand
      ? {
          id: hand.id,
          color: hand.color,
          message: hand.message,
          raisedBy: { userId: hand.raisedBy, displayName: hand.raiserName },
          startedAt: hand.startedAt.toISOString(),
          link: facts.link,
        }
      : null,
  }
}

/** The body of one webhook delivery, by what the row is about. */
function payloadOf(row: OutboxRow, facts: MessageFacts) {
  switch (row.event) {
    case 'hand.raised':
      return handPayload(facts, row.id, row.idempotencyKey)
    case 'ticket.acknowledged':
      return acknowledgedPayload(facts, row.id, row.idempotencyKey)
    case 'ticket.escalated':
      return escalationPayload(facts, row.id, row.idempotencyKey)
    case 'ticket.reply':
      throw new DeliveryError('a reply to a customer is not sent to webhooks', false)
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
 * The space's webhook endpoints subscribed to `event`, oldest first: the only ones a delivery
 * of that event goes to (a firing's, a raised hand's, an "I'm on it"'s).
 */
export async function subscribedEndpoints(
  db: Pick<DeliveryContext['db'], 'select'>,
  spaceId: string,
  event: WebhookEvent,
): Promise<string[]> {
  const rows = await db
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.spaceId, spaceId))
    .orderBy(webhookEndpoints.createdAt)
  return rows.filter((r) => r.events.includes(event)).map((r) => r.id)
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
        `no webhook endpoint of this space subscribes to ${row.event} (POST /api/spaces/:spaceId/webhooks)`,
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
    const body = JSON.stringify(payloadOf(row, facts))
    const status = await postSigned(context, endpoint, {
      event: row.event,
      deliveryId: row.id,
      idempotencyKey: row.idempotencyKey,
      body,
    })
    return { providerId: `HTTP ${status}` }
  },
}
