import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  InboundConversation,
  InboundConversationResponse,
  InboundMessage,
  InboundParams,
  InboundResponse,
  SmsWebhookForm,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import { eq } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import { inboxes } from '../db/schema.js'
import { unauthenticated } from '../errors.js'
import { findMembership } from '../spaces/space-repository.js'
import { type InboxRow, normalizeAddress } from './ticket-repository.js'
import type { TicketService } from './ticket-service.js'

/** The header a caller that can set headers sends the inbox's secret in. */
export const INBOX_SECRET_HEADER = 'x-flare-inbox-secret'

// providers post a few fields; anything near this is not an SMS
const FORM_BODY_LIMIT = 64 * 1024

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

/** TwiML that texts `text` back to the sender. */
function replyTwiml(text: string): string {
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escaped}</Message></Response>`
}

/**
 * The secret of a delivery: the `X-Flare-Inbox-Secret` header, or the password of HTTP Basic
 * auth (what SMS providers send for `https://any:secret@host/...` webhook URLs), so the secret
 * never has to sit in a URL's path or query, where request logs would keep it.
 */
function secretOf(request: FastifyRequest): string | null {
  const header = request.headers[INBOX_SECRET_HEADER]
  if (typeof header === 'string' && header) return header
  const basic = request.headers.authorization?.match(/^Basic\s+(\S+)\s*$/i)?.[1]
  if (!basic) return null
  const decoded = Buffer.from(basic, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon >= 0 ? decoded.slice(colon + 1) : decoded
}

function sameSecret(given: string | null, expected: string): boolean {
  if (!given) return false
  // compare digests: equal length, and the time taken says nothing about the secret
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

function refuse() {
  return unauthenticated(
    `No inbox accepts this delivery: check the inbox's address and send its webhook secret in ` +
      `the ${INBOX_SECRET_HEADER} header or as the password of HTTP Basic auth (or an API ` +
      `token of an admin or manager of its space as a Bearer token).`,
  )
}

/**
 * Customer messages from channels (SPEC §4): a JSON endpoint, an SMS provider's form webhook
 * and a bot's conversation handoff (SPEC §11.1.3), each authenticated by the inbox's own
 * secret rather than a user's session.
 */
export const inboundRoutes: FastifyPluginAsyncTypebox<{ service: TicketService }> = async (
  app,
  { service },
) => {
  const db = app.database.db

  // scoped to these routes: the rest of the API speaks JSON only
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    },
  )

  /**
   * The inbox's own secret; or, for an integration that holds one, a personal API token
   * (`Authorization: Bearer`) of an admin or manager of the inbox's space. Never a session
   * cookie: these routes take no browser's word, so no other site can post through one.
   */
  async function authorize(request: FastifyRequest, inbox: InboxRow | undefined) {
    if (!inbox) throw refuse()
    if (sameSecret(secretOf(request), inbox.webhookSecret)) return inbox
    const { authorization } = request.headers
    if (authorization && /^Bearer\s/i.test(authorization)) {
      const identity = await app.identify({ authorization }).catch(() => null)
      const member = identity && (await findMembership(db, inbox.spaceId, identity.userId))
      if (member && (member.role === 'admin' || member.role === 'manager')) return inbox
    }
    throw refuse()
  }

  app.post(
    '/inbound/inboxes/:inboxId/messages',
    {
      schema: {
        tags: ['inbound'],
        summary:
          "A customer message as JSON, authenticated by the inbox's webhook secret; opens a ticket or appends to the customer's open one",
        // the inbox's secret (no scheme OpenAPI names), or an admin's or manager's API token
        security: [{}, { bearer: [] }],
        params: InboundParams,
        body: InboundMessage,
        response: {
          200: InboundResponse,
          201: InboundResponse,
          400: ApiErrorBody,
          401: ApiErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { inboxId } = request.params
      const [row] = await db.select().from(inboxes).where(eq(inboxes.id, inboxId))
      const inbox = await authorize(request, row)
      const body = request.body
      const result = await service.receiveInbound({
        inbox,
        customer: body.customer,
        body: body.body,
        ...(body.subject ? { subject: body.subject } : {}),
        providerMessageId: body.messageId ?? null,
      })
      return reply.code(result.duplicate ? 200 : 201).send(result)
    },
  )

  app.post(
    '/inbound/inboxes/:inboxId/conversations',
    {
      schema: {
        tags: ['inbound'],
        summary:
          "A bot hands a conversation over, authenticated by the inbox's webhook secret: it becomes a ticket with its transcript; N fallbacks in a row or `handoff: true` escalate it at once",
        description:
          'Each turn is `{from: customer | bot, text, outcome?: resolved | fallback}`, oldest first, ' +
          "with at least one from the customer. The inbox's bot failure trigger fires on its number " +
          'of bot fallbacks in a row (default 2) or `handoff: true`; its keyword and sentiment ' +
          'triggers read the customer turns. With `conversationId`, a second delivery adds only ' +
          'the turns not stored yet (answers 200 with `turnsStored: 0` when there are none).',
        // the inbox's secret (no scheme OpenAPI names), or an admin's or manager's API token
        security: [{}, { bearer: [] }],
        params: InboundParams,
        body: InboundConversation,
        response: {
          200: InboundConversationResponse,
          201: InboundConversationResponse,
          400: ApiErrorBody,
          401: ApiErrorBody,
        },
      },
    },
    async (request, reply) => {
      const [row] = await db.select().from(inboxes).where(eq(inboxes.id, request.params.inboxId))
      const inbox = await authorize(request, row)
      const result = await service.receiveConversation({ inbox, body: request.body })
      return reply.code(result.turnsStored > 0 ? 201 : 200).send(result)
    },
  )

  app.post(
    '/inbound/sms',
    {
      schema: {
        tags: ['inbound'],
        summary:
          "SMS provider webhook (form fields From, To, Body, MessageSid): `To` picks the inbox; answers empty TwiML. A member's reply code to an escalation forward takes that escalation instead, answered with a TwiML message.",
        // the inbox's secret (no scheme OpenAPI names), or an admin's or manager's API token
        security: [{}, { bearer: [] }],
        body: SmsWebhookForm,
        response: {
          200: {
            description:
              'Empty TwiML: receipt confirmed, nothing sent back to the customer (or, for a reply code, a message to the member)',
            content: { 'text/xml': { schema: Type.String() } },
          },
          400: ApiErrorBody,
          401: ApiErrorBody,
        },
      },
    },
    async (request, reply) => {
      const form = request.body
      const [row] = await db
        .select()
        .from(inboxes)
        .where(eq(inboxes.channelAddress, normalizeAddress(form.To)))
      const inbox = await authorize(request, row)
      // a member answering an escalation forward with its reply code takes the ticket (SPEC
      // §11.2.1): replies to forwards come to the inbox's number, and are no customer's words
      const taken = await app.acknowledgements.acknowledgeBySms({
        spaceId: inbox.spaceId,
        inboxId: inbox.id,
        from: form.From,
        body: form.Body,
      })
      if (taken?.kind === 'taken') {
        const who = taken.yours
          ? 'You are on it'
          : `${await app.acknowledgements.displayName(taken.acknowledged.userId)} is on it already`
        return reply.type('text/xml').send(replyTwiml(`Flare: ${who}: ${taken.subject}`))
      }
      if (taken?.kind === 'unknown_code') {
        return reply
          .type('text/xml')
          .send(
            replyTwiml(
              `Flare: no escalation sent to you in the last day has the code ${taken.code}. Reply with the code in the message, or 1 for the latest.`,
            ),
          )
      }
      await service.receiveInbound({
        inbox,
        customer: { phone: form.From },
        body: form.Body.trim() === '' ? '(a message with no text)' : form.Body,
        providerMessageId: form.MessageSid ?? form.SmsSid ?? form.MessageId ?? null,
      })
      // an empty TwiML answer: receipt confirmed, nothing sent back to the customer
      return reply.type('text/xml').send(EMPTY_TWIML)
    },
  )
}
