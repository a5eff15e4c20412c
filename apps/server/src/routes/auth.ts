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
import {
  endSession,
  findUser,
  logIn,
  normaliseEmail,
  SESSION_COOKIE,
  toUserDto,
} from '../auth/identity.js'
import { createLoginThrottle, type LoginLimits } from '../auth/login-throttle.js'
import { users } from '../db/schema.js'
import { HttpError, unauthenticated } from '../errors.js'
import { identityOf } from '../plugins/auth.js'
import { listSpacesOf } from '../spaces/space-repository.js'

export interface AuthRouteOptions {
  sessionTtlMs: number
  loginLimits: LoginLimits
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRouteOptions> = async (app, opts) => {
  const unauthenticated401 = { 401: ApiErrorBody }
  const throttle = createLoginThrottle(app.database.db, app.clock, opts.loginLimits)

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in with email and password; sets the httpOnly session cookie',
        description:
          `After ${opts.loginLimits.accountFailures} failed attempts for one account, or ` +
          `${opts.loginLimits.addressFailures} from one address, further attempts (even right ones) ` +
          'answer 429 RATE_LIMITED with `Retry-After` (seconds) until a lock ends; each further ' +
          'failure doubles the lock, from 1 to at most 15 minutes.',
        body: LoginRequest,
        response: {
          200: LoginResponse,
          400: ApiErrorBody,
          ...unauthenticated401,
          429: ApiErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { password } = request.body
      // one form of the address for the limits and the lookup: " A@x" and "a@x" are one account
      const email = normaliseEmail(request.body.email)
      const refusal = await throttle.admit(email, request.ip)
      if (refusal) {
        const seconds = Math.ceil(refusal.retryAfterMs / 1000)
        throw new HttpError(429, {
          code: ErrorCode.RATE_LIMITED,
          message: `Too many failed logins. Try again in ${seconds} seconds.`,
          retryAfterMs: refusal.retryAfterMs,
        })
      }
      const result = await logIn(app.database.db, app.clock, opts.sessionTtlMs, email, password)
      if (!result) {
        throw new HttpError(401, {
          code: ErrorCode.INVALID_CREDENTIALS,
          message: 'That email and password do not match an account.',
        })
      }
      await throttle.succeeded(email, request.ip)
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
      if (identity.sessionId) {
        await endSession(app.database.db, identity.sessionId)
        // the tabs this session opened stop receiving the space now, in every process
        await app.authority.sessionEnded(identity.sessionId)
      }
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
