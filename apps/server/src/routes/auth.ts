import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  ErrorCode,
  LoginRequest,
  LoginResponse,
  MeResponse,
  PreferencesUpdate,
  UserPreferences,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import { eq } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import { endSession, findUser, logIn, SESSION_COOKIE, toUserDto } from '../auth/identity.js'
import { users } from '../db/schema.js'
import { HttpError, unauthenticated } from '../errors.js'
import { identityOf } from '../plugins/auth.js'
import { listSpacesOf } from '../spaces/space-repository.js'

export interface AuthRouteOptions {
  sessionTtlMs: number
  /** Login attempts allowed per minute for one address and email. */
  loginAttemptsPerMinute: number
}

/** The email a login attempt names, for rate limiting: read before the body is validated. */
function attemptedEmail(request: FastifyRequest): string {
  const body = request.body
  const email = typeof body === 'object' && body !== null && 'email' in body ? body.email : ''
  return String(email ?? '').toLowerCase()
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRouteOptions> = async (app, opts) => {
  const unauthenticated401 = { 401: ApiErrorBody }

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in with email and password; sets the httpOnly session cookie',
        body: LoginRequest,
        response: {
          200: LoginResponse,
          400: ApiErrorBody,
          ...unauthenticated401,
          429: ApiErrorBody,
        },
      },
      config: {
        rateLimit: {
          max: opts.loginAttemptsPerMinute,
          timeWindow: 60_000,
          hook: 'preHandler',
          // per address and account: one attacker cannot lock everyone out, nor hammer one account
          keyGenerator: (request) => `${request.ip}:${attemptedEmail(request)}`,
        },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body
      const result = await logIn(app.database.db, app.clock, opts.sessionTtlMs, email, password)
      if (!result) {
        throw new HttpError(401, {
          code: ErrorCode.INVALID_CREDENTIALS,
          message: 'That email and password do not match an account.',
        })
      }
      app.setSessionCookie(reply, result.sessionToken, result.expiresAt)
      return { user: toUserDto(result.user) }
    },
  )

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: Type.Null({ description: 'Logged out' }), ...unauthenticated401 },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      const identity = identityOf(request)
      if (identity.sessionId) await endSession(app.database.db, identity.sessionId)
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who is logged in, and their spaces and roles',
        response: { 200: MeResponse, ...unauthenticated401 },
      },
      preHandler: app.requireUser,
    },
    async (request) => {
      const identity = identityOf(request)
      const user = await findUser(app.database.db, identity.userId)
      if (!user) throw unauthenticated('This account no longer exists.')
      const spaces = await listSpacesOf(app.database.db, user.id)
      return { user: toUserDto(user), spaces }
    },
  )

  app.patch(
    '/me/preferences',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your own notification preferences (email, sound, push)',
        body: PreferencesUpdate,
        response: { 200: UserPreferences, 400: ApiErrorBody, ...unauthenticated401 },
      },
      preHandler: app.requireUser,
    },
    async (request) => {
      const identity = identityOf(request)
      const user = await findUser(app.database.db, identity.userId)
      if (!user) throw unauthenticated('This account no longer exists.')
      const preferences = { ...user.preferences, ...request.body }
      await app.database.db.update(users).set({ preferences }).where(eq(users.id, user.id))
      return preferences
    },
  )
}
