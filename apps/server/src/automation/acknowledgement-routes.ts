import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  FiringParams,
  SnoozeRequest,
  TicketAcknowledged,
  TicketReleased,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { HttpError } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'

const errors = {
  400: ApiErrorBody,
  401: ApiErrorBody,
  403: ApiErrorBody,
  404: ApiErrorBody,
  409: ApiErrorBody,
}

/**
 * "I'm on it", let go and snooze over REST (SPEC §11.2): the push notification's action (the
 * service worker has no socket, only the cookie), scripts, and the web app's card.
 */
export const acknowledgementApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/spaces/:spaceId/firings/:firingId/acknowledge',
    {
      schema: {
        tags: ['automation'],
        summary:
          '"I\'m on it" for an automatic escalation that went to you (as ticket:acknowledge): its chain goes quiet on the ticket',
        params: FiringParams,
        response: { 200: TicketAcknowledged, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const via = request.headers['x-flare-via'] === 'push' ? 'push' : 'app'
      return {
        acknowledged: await app.acknowledgements.acknowledge(
          spaceId,
          request.params.firingId,
          userId,
          via,
        ),
      }
    },
  )

  app.post(
    '/spaces/:spaceId/firings/:firingId/snooze',
    {
      schema: {
        tags: ['automation'],
        summary:
          'Snooze: the chain stays quiet for `minutes` only, then goes on unless the customer was answered (the acknowledger, or a target taking it now; logged on the ticket)',
        params: FiringParams,
        body: SnoozeRequest,
        response: { 200: TicketAcknowledged, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      return {
        acknowledged: await app.acknowledgements.snooze(
          spaceId,
          request.params.firingId,
          userId,
          request.body.minutes,
        ),
      }
    },
  )

  app.post(
    '/spaces/:spaceId/firings/:firingId/let-go',
    {
      schema: {
        tags: ['automation'],
        summary:
          'Let go: the person on it (or an admin or manager) gives the chain back; its further levels fire again when due (logged on the ticket)',
        params: FiringParams,
        response: { 200: TicketReleased, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, userId, role } = membershipOf(request)
      return {
        released: await app.acknowledgements.letGo(spaceId, request.params.firingId, {
          userId,
          role,
        }),
      }
    },
  )
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const PAGE_CSS = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { margin: 0; display: grid; place-items: center; min-height: 100vh; }
main { max-width: 32rem; padding: 2rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
.level { color: #e08a00; font-weight: 600; }
button { font: inherit; font-size: 1.125rem; padding: .6rem 1.4rem; border-radius: .5rem;
  border: 0; background: #d64545; color: #fff; cursor: pointer; }
button:focus-visible { outline: 3px solid #f26b1d; outline-offset: 2px; }
a { color: inherit; }
`

function page(title: string, body: string): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)} · Flare</title>`,
    '<link rel="stylesheet" href="/ack/page.css">',
    `</head><body><main>${body}</main></body></html>`,
  ].join('')
}

/**
 * The signed links in escalation emails and Slack messages (SPEC §11.2.1): `GET /ack/:token`
 * shows what will be taken and a button; only the button's `POST` takes it, so mail and chat
 * link scanners that open every link never acknowledge. Plain server-rendered pages, no script.
 */
export const acknowledgementLinkRoutes: FastifyPluginAsyncTypebox<{ publicUrl: string }> = async (
  app,
  { publicUrl },
) => {
  // the page's own form posts an empty form body
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 },
    (_request, _body, done) => done(null, {}),
  )

  const Token = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) })
  const html = { content: { 'text/html': { schema: Type.String() } } }

  async function sessionUser(request: FastifyRequest): Promise<string | null> {
    try {
      return (await app.identify(request.headers)).userId
    } catch {
      return null
    }
  }

  function send(reply: FastifyReply, status: number, title: string, body: string) {
    // the token is a credential of sorts: keep it out of caches and other sites' Referer
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(page(title, body))
  }

  const openLink = (ticketId: string, spaceId: string) =>
    `<p><a href="${escapeHtml(`${publicUrl}/t/${ticketId}`)}">Open the ticket</a> · <a href="${escapeHtml(`${publicUrl}/spaces/${spaceId}`)}">Open Flare</a></p>`

  function expired(reply: FastifyReply) {
    return send(
      reply,
      410,
      'Link expired',
      `<h1>This link no longer works</h1><p>"I'm on it" links work for a day after the escalation. Take it in <a href="${escapeHtml(publicUrl)}">Flare</a> instead.</p>`,
    )
  }

  app.get('/ack/page.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(PAGE_CSS),
  )

  app.get(
    '/ack/:token',
    {
      schema: {
        tags: ['automation'],
        summary:
          'The confirm page of an "I\'m on it" link from an escalation email or Slack message; changes nothing',
        security: [],
        params: Token,
        response: { 200: { description: 'The confirm page', ...html }, 410: html },
      },
    },
    async (request, reply) => {
      const claim = app.acknowledgements.links.verify(request.params.token, app.clock())
      const link = claim && (await app.acknowledgements.linkTarget(claim.outboxId))
      if (!link) return expired(reply)
      const { recipient } = link
      let preview: Awaited<ReturnType<typeof app.acknowledgements.previewLink>>
      try {
        preview = await app.acknowledgements.previewLink(link.firingId)
      } catch (error) {
        if (error instanceof HttpError && error.statusCode === 404) return expired(reply)
        throw error
      }
      // a member removed from the space since is shown nothing of it
      if (!(await app.acknowledgements.linkOpen(preview.spaceId, recipient))) return expired(reply)
      const heading = `<p class="level">Ticket escalation, level ${preview.level}</p><h1>${escapeHtml(preview.subject)}</h1>`
      if (preview.takenBy) {
        return send(
          reply,
          200,
          preview.subject,
          `${heading}<p>${escapeHtml(preview.takenBy.name)} is on it.</p>${openLink(preview.ticketId, preview.spaceId)}`,
        )
      }
      const signIn =
        recipient.kind === 'space' && !(await sessionUser(request))
          ? `<p>Sign in to <a href="${escapeHtml(publicUrl)}">Flare</a> in this browser first, then open this link again: the escalation is taken in your name.</p>`
          : ''
      const action = `/ack/${encodeURIComponent(request.params.token)}`
      return send(
        reply,
        200,
        preview.subject,
        `${heading}<p>Taking it stops the next levels of this escalation until the customer writes again.</p>${signIn}<form method="post" action="${escapeHtml(action)}"><button type="submit">I’m on it</button></form>${openLink(preview.ticketId, preview.spaceId)}`,
      )
    },
  )

  app.post(
    '/ack/:token',
    {
      schema: {
        tags: ['automation'],
        summary:
          "The confirm page's button: \"I'm on it\" for the link's recipient (a Slack link: the signed-in member)",
        security: [],
        params: Token,
        response: { 200: { description: 'Who is on it now', ...html }, 401: html, 410: html },
      },
    },
    async (request, reply) => {
      const claim = app.acknowledgements.links.verify(request.params.token, app.clock())
      const link = claim && (await app.acknowledgements.linkTarget(claim.outboxId))
      if (!link) return expired(reply)
      const { recipient } = link
      let acknowledged: Awaited<ReturnType<typeof app.acknowledgements.acknowledgeByLink>>
      let preview: Awaited<ReturnType<typeof app.acknowledgements.previewLink>>
      try {
        acknowledged = await app.acknowledgements.acknowledgeByLink(
          link.firingId,
          recipient,
          recipient.kind === 'space' ? await sessionUser(request) : null,
        )
        preview = await app.acknowledgements.previewLink(link.firingId)
      } catch (error) {
        if (error instanceof HttpError && error.statusCode === 404) return expired(reply)
        throw error
      }
      if (!acknowledged) {
        return send(
          reply,
          401,
          'Sign in',
          `<h1>Sign in first</h1><p>This link came to a channel, not to you: sign in to <a href="${escapeHtml(publicUrl)}">Flare</a> in this browser as a member of the space, then open the link again.</p>`,
        )
      }
      const holder = acknowledged.acknowledged.userId
      const mine = holder === acknowledged.by
      const who = await app.acknowledgements.displayName(holder)
      return send(
        reply,
        200,
        preview.subject,
        `<p class="level">Ticket escalation, level ${preview.level}</p><h1>${escapeHtml(preview.subject)}</h1><p role="status">${
          mine
            ? 'You’re on it. The next levels stay quiet until the customer writes again.'
            : `${escapeHtml(who)} is on it already.`
        }</p>${openLink(preview.ticketId, preview.spaceId)}`,
      )
    },
  )
}
