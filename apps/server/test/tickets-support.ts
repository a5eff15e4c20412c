import type { InboxDto, TicketDto, TicketResponse } from '@flare/protocol'
import type { FastifyInstance } from 'fastify'
import type { TestApp } from './support.js'

/** Shared steps of the inbox and ticket suites. */

export const DEMO_NUMBER = '+15550100'

const cookies = new WeakMap<TestApp, Map<string, Promise<string>>>()
/** A logged-in cookie per person and app, logged in once: argon2 is slow on purpose. */
export function cookieOf(t: TestApp, email: string): Promise<string> {
  let byEmail = cookies.get(t)
  if (!byEmail) {
    byEmail = new Map()
    cookies.set(t, byEmail)
  }
  let cookie = byEmail.get(email)
  if (!cookie) {
    cookie = t.login(email)
    byEmail.set(email, cookie)
  }
  return cookie
}

let sequence = 0
/** A provider message id no other test used. */
export function freshSid(): string {
  sequence += 1
  return `SM${Date.now().toString(36)}${sequence.toString().padStart(6, '0')}`
}

export async function inboxesAs(t: TestApp, cookie: string): Promise<InboxDto[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/spaces/${t.spaceId}/inboxes`,
    headers: { cookie },
  })
  if (res.statusCode !== 200) throw new Error(`inboxes: ${res.body}`)
  return res.json().inboxes
}

/** The demo inbox with its secret (read as the demo manager). */
export async function demoInbox(t: TestApp): Promise<InboxDto & { webhookSecret: string }> {
  const inboxes = await inboxesAs(t, await cookieOf(t, 'manager@flare.test'))
  const inbox = inboxes.find((i) => i.channelAddress === DEMO_NUMBER)
  if (!inbox?.webhookSecret) throw new Error('no demo inbox secret')
  return inbox as InboxDto & { webhookSecret: string }
}

/** A new inbox of the demo space, so a test sees only its own tickets. */
export async function freshInbox(
  t: TestApp,
  address: string,
): Promise<InboxDto & { webhookSecret: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/spaces/${t.spaceId}/inboxes`,
    headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    payload: { name: `Inbox ${address}`, channelAddress: address },
  })
  if (res.statusCode !== 201) throw new Error(`inbox: ${res.body}`)
  return res.json().inbox
}

export function smsForm(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString()
}

/** Posts to the SMS webhook as a provider would. */
export function postSms(
  app: FastifyInstance,
  fields: Record<string, string>,
  secret: string | null,
) {
  return app.inject({
    method: 'POST',
    url: '/api/inbound/sms',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(secret ? { 'x-flare-inbox-secret': secret } : {}),
    },
    payload: smsForm(fields),
  })
}

/** A customer text to an inbox's number; returns the ticket it landed on. */
export async function customerTexts(
  t: TestApp,
  inbox: { channelAddress: string | null; webhookSecret: string },
  from: string,
  body: string,
  sid = freshSid(),
): Promise<string> {
  const res = await postSms(
    t.app,
    { From: from, To: inbox.channelAddress ?? '', Body: body, MessageSid: sid },
    inbox.webhookSecret,
  )
  if (res.statusCode !== 200) throw new Error(`sms: ${res.statusCode} ${res.body}`)
  const [ticket] = await ticketsOf(
    t,
    { inboxId: await inboxIdOf(t, inbox), status: 'open,on_hold' },
    from,
  )
  if (!ticket) throw new Error('no ticket for the text')
  return ticket.id
}

async function inboxIdOf(t: TestApp, inbox: { channelAddress: string | null }): Promise<string> {
  const all = await inboxesAs(t, await cookieOf(t, 'manager@flare.test'))
  const found = all.find((i) => i.channelAddress === inbox.channelAddress)
  if (!found) throw new Error('no such inbox')
  return found.id
}

async function ticketsOf(
  t: TestApp,
  query: Record<string, string>,
  phone: string,
): Promise<TicketDto[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/spaces/${t.spaceId}/tickets?${new URLSearchParams(query)}`,
    headers: { cookie: await cookieOf(t, 'dana@flare.test') },
  })
  return (res.json().tickets as TicketDto[]).filter((x) => x.customer.phone === phone)
}

export async function readTicket(
  t: TestApp,
  ticketId: string,
  cookie?: string,
): Promise<TicketResponse> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/spaces/${t.spaceId}/tickets/${ticketId}`,
    headers: { cookie: cookie ?? (await cookieOf(t, 'dana@flare.test')) },
  })
  if (res.statusCode !== 200) throw new Error(`ticket: ${res.body}`)
  return res.json()
}

/** POST/PATCH on a ticket as a member; returns the raw response. */
export async function onTicket(
  t: TestApp,
  ticketId: string,
  method: 'POST' | 'PATCH',
  path: '' | '/replies' | '/notes',
  payload: unknown,
  email = 'dana@flare.test',
) {
  return t.app.inject({
    method,
    url: `/api/spaces/${t.spaceId}/tickets/${ticketId}${path}`,
    headers: { cookie: await cookieOf(t, email) },
    payload: payload as Record<string, unknown>,
  })
}
