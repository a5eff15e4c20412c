import type { InboxTriggers, TicketEscalatedEvent } from '@flare/protocol'
import type { FastifyInstance } from 'fastify'
import type { Client } from './sockets.js'
import type { TestApp } from './support.js'
import { cookieOf } from './tickets-support.js'

/** Shared steps of the instant trigger suites. */

/** Saves an inbox's triggers as the demo manager; returns the raw response. */
export async function putTriggers(
  t: TestApp,
  inboxId: string,
  triggers: InboxTriggers | Record<string, unknown>,
  email = 'manager@flare.test',
) {
  return t.app.inject({
    method: 'PUT',
    url: `/api/spaces/${t.spaceId}/inboxes/${inboxId}/triggers`,
    headers: { cookie: await cookieOf(t, email) },
    payload: triggers,
  })
}

/** Makes `emails` the inbox's admins: whom a trigger no rule routes goes to, unassigned. */
export async function setInboxAdmins(t: TestApp, inboxId: string, emails: string[]) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/api/spaces/${t.spaceId}/inboxes/${inboxId}`,
    headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    payload: { adminUserIds: await Promise.all(emails.map((e) => t.userId(e))) },
  })
  if (res.statusCode !== 200) throw new Error(`admins: ${res.body}`)
}

/** Posts a bot conversation with the inbox's secret (or another, or none). */
export function postConversation(
  app: FastifyInstance,
  inboxId: string,
  secret: string | null,
  payload: unknown,
) {
  return app.inject({
    method: 'POST',
    url: `/api/inbound/inboxes/${inboxId}/conversations`,
    headers: secret ? { 'x-flare-inbox-secret': secret } : {},
    payload: payload as Record<string, unknown>,
  })
}

/** `count` turns: the customer and the bot in turn, the bot resolving, unless told otherwise. */
export function turns(
  count: number,
  outcomeOf: (botTurn: number) => 'resolved' | 'fallback' = () => 'resolved',
) {
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0
      ? { from: 'customer' as const, text: `Customer turn ${i + 1}: my parcel 4821 is late` }
      : {
          from: 'bot' as const,
          text: `Bot turn ${i + 1}: here is what I found`,
          outcome: outcomeOf((i - 1) / 2),
        },
  )
}

/** Every `ticket:escalated` a client receives, as it arrives. */
export function escalationsOf(client: Client): TicketEscalatedEvent[] {
  const seen: TicketEscalatedEvent[] = []
  client.on('ticket:escalated', (event) => seen.push(event))
  return seen
}

/** The next `ticket:escalated` for `ticketId`. */
export function nextEscalation(client: Client, ticketId: string): Promise<TicketEscalatedEvent> {
  return new Promise((resolve) => {
    const listener = (event: TicketEscalatedEvent) => {
      if (event.ticket.id !== ticketId) return
      client.off('ticket:escalated', listener)
      resolve(event)
    }
    client.on('ticket:escalated', listener)
  })
}
