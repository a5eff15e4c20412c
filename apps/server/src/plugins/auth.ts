import cookie from '@fastify/cookie'
import { type MemberRole, parse, SpaceParams } from '@flare/protocol'
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import {
  findSessions,
  findSessionsInSpaces,
  type Identity,
  identifyBySession,
  identifyByToken,
  identifySessionInSpace,
  SESSION_COOKIE,
} from '../auth/identity.js'
import { createBatchLookup } from '../db/batch-lookup.js'
import type { Db } from '../db/database.js'
import { badRequest, forbidden, notFound, unauthenticated } from '../errors.js'
import {
  findMembership,
  findSpaceMembers,
  listSpacesOf,
  type Membership,
  type SpaceMember,
  spaceMemberKey,
} from '../spaces/space-repository.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolves who sent a raw request (HTTP or a Socket.IO handshake), or throws 401. */
    identify(headers: {
      authorization?: string | undefined
      cookie?: string | undefined
    }): Promise<Identity>
    /**
     * Who opens a connection to a space and their membership there (null: not a member). With
     * a session cookie this is one lookup, batched with the other handshakes of the moment
     * (`createBatchLookup`).
     */
    identifyMember(
      headers: { authorization?: string | undefined; cookie?: string | undefined },
      spaceId: string,
    ): Promise<{ identity: Identity; member: SpaceMember | null }>
    /** preHandler: the request must come from a logged-in user or a valid API token. */
    requireUser: preHandlerAsyncHookHandler
    /** preHandler: the caller must be a member of `:spaceId`, with one of `roles` if given. */
    requireSpaceRole(...roles: MemberRole[]): preHandlerAsyncHookHandler
    setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date): void
    secureCookies: boolean
  }
  interface FastifyRequest {
    identity: Identity | null
    membership: Membership | null
  }
}

/** The identity of a request whose preHandler was `requireUser`. */
export function identityOf(request: FastifyRequest): Identity {
  if (!request.identity) throw unauthenticated()
  return request.identity
}

/** The membership of a request whose preHandler was `requireSpaceRole`. */
export function membershipOf(request: FastifyRequest): Membership {
  if (!request.membership) throw notFound('No such space.')
  return request.membership
}

/**
 * The space a request that names none acts in (`/api/tickets/escalation-rules`,
 * `/api/stream`): the one `wanted` names, or else the caller's only space. 404 when they are
 * not a member of it (or of any); 400 naming `spaceId` when they are in several and named none.
 */
export async function callerSpace(
  db: Db,
  userId: string,
  wanted: string | undefined,
): Promise<Membership> {
  const spaces = await listSpacesOf(db, userId)
  if (wanted) {
    const space = spaces.find((s) => s.id === wanted)
    if (!space) throw notFound('No such space.')
    return { spaceId: space.id, userId, role: space.role }
  }
  const [only, ...others] = spaces
  if (!only) throw notFound('You are not a member of any space.')
  if (others.length > 0) {
    throw badRequest(
      'spaceId: you are a member of several spaces; name one with ?spaceId=',
      'spaceId',
    )
  }
  return { spaceId: only.id, userId, role: only.role }
}

export const authPlugin = fp<{ cookieSecret: string; secureCookies: boolean }>(
  async (app, { cookieSecret, secureCookies }) => {
    await app.register(cookie, { secret: cookieSecret, hook: false })
    app.decorateRequest('identity', null)
    app.decorateRequest('membership', null)
    app.decorate('secureCookies', secureCookies)

    // sessions asked for together (a join storm's handshakes) share one query
    const findSession = createBatchLookup((ids: string[]) => findSessions(app.database.db, ids))

    /** The bearer token of an Authorization header, or null when there is none. */
    function bearerOf(authorization: string | undefined): string | null {
      const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
      if (authorization && !bearer) {
        throw unauthenticated('The Authorization header must be "Bearer <token>".')
      }
      return bearer ?? null
    }

    /** The session token of a signed session cookie; 401 when there is none or it is forged. */
    function sessionTokenOf(cookie: string | undefined): string {
      const signed = cookie ? app.parseCookie(cookie)[SESSION_COOKIE] : undefined
      if (!signed) throw unauthenticated()
      const unsigned = app.unsignCookie(signed)
      if (!unsigned.valid || !unsigned.value)
        throw unauthenticated('Your session cookie is not valid. Log in again.')
      return unsigned.value
    }

    app.decorate('identify', async (headers) => {
      const bearer = bearerOf(headers.authorization)
      if (bearer) return identifyByToken(app.database.db, app.clock, bearer)
      return identifyBySession(
        app.database.db,
        app.clock,
        sessionTokenOf(headers.cookie),
        findSession,
      )
    })

    // a join storm's handshakes: session, name and membership of the whole batch in one query
    const findSessionInSpace = createBatchLookup((keys: string[]) =>
      findSessionsInSpaces(app.database.db, keys),
    )
    // API tokens (scripts, wallboards): the token, then the membership, batched likewise
    const findMember = createBatchLookup((keys: string[]) =>
      findSpaceMembers(app.database.db, keys),
    )
    app.decorate('identifyMember', async (headers, spaceId) => {
      const bearer = bearerOf(headers.authorization)
      if (bearer) {
        const identity = await identifyByToken(app.database.db, app.clock, bearer)
        const member = await findMember(spaceMemberKey(spaceId, identity.userId))
        return { identity, member: member ?? null }
      }
      const { identity, displayName, role } = await identifySessionInSpace(
        app.database.db,
        app.clock,
        sessionTokenOf(headers.cookie),
        spaceId,
        findSessionInSpace,
      )
      const member = role ? { spaceId, userId: identity.userId, role, displayName } : null
      return { identity, member }
    })

    app.decorate('setSessionCookie', (reply: FastifyReply, token: string, expiresAt: Date) => {
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
        signed: true,
        expires: expiresAt,
      })
    })

    const requireUser: preHandlerAsyncHookHandler = async (request) => {
      request.identity = await app.identify(request.headers)
    }
    app.decorate('requireUser', requireUser)

    app.decorate('requireSpaceRole', (...roles: MemberRole[]) => {
      const guard: preHandlerAsyncHookHandler = async (request) => {
        request.identity ??= await app.identify(request.headers)
        // the route's own schema has checked its params; this guard knows only that it has one
        const params = parse(SpaceParams, request.params)
        if (!params.ok) throw new Error('requireSpaceRole on a route without :spaceId')
        const { spaceId } = params.value
        const membership = await findMembership(app.database.db, spaceId, request.identity.userId)
        // not a member: answer as if the space did not exist, so ids of other spaces leak nothing
        if (!membership) throw notFound('No such space.')
        if (roles.length > 0 && !roles.includes(membership.role)) {
          throw forbidden(`This needs the ${roles.join(' or ')} role in this space.`)
        }
        request.membership = membership
      }
      return guard
    })
  },
  { name: 'auth', dependencies: ['database'] },
)
