import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  CreateTokenRequest,
  CreateTokenResponse,
  TokenListResponse,
  TokenParams,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/identity.js'
import { forbidden, notFound } from '../errors.js'
import { identityOf } from '../plugins/auth.js'

export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', app.requireUser)
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody }

  app.get(
    '/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Your live API tokens (never the secrets)',
        response: { 200: TokenListResponse, 401: ApiErrorBody },
      },
    },
    async (request) => ({
      tokens: await listApiTokens(app.database.db, identityOf(request).userId),
    }),
  )

  app.post(
    '/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create a personal API token; the secret is in this response only',
        body: CreateTokenRequest,
        response: { 201: CreateTokenResponse, ...errors, 403: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const identity = identityOf(request)
      // a leaked token must not be able to mint fresh ones that outlive its revocation
      if (identity.via !== 'session')
        throw forbidden('API tokens can only be created from a logged-in session.')
      const { name } = request.body
      const created = await createApiToken(app.database.db, identity.userId, name)
      return reply.code(201).send(created)
    },
  )

  app.delete(
    '/tokens/:tokenId',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke one of your API tokens',
        params: TokenParams,
        response: { 204: Type.Null({ description: 'Revoked' }), ...errors, 404: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const { tokenId } = request.params
      const revoked = await revokeApiToken(
        app.database.db,
        app.clock,
        identityOf(request).userId,
        tokenId,
      )
      if (!revoked) throw notFound('You have no live API token with that id.')
      // the sockets and streams it opened close now, in every process
      await app.authority.tokenRevoked(tokenId)
      return reply.code(204).send(null)
    },
  )
}
