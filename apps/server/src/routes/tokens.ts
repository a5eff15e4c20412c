import {
  CreateTokenRequest,
  CreateTokenResponse,
  TokenListResponse,
  TokenParams,
} from '@flare/protocol'
import type { FastifyPluginAsync } from 'fastify'
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/identity.js'
import { forbidden, notFound } from '../errors.js'
import { identityOf } from '../plugins/auth.js'

export const tokenRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.requireUser)

  app.get(
    '/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Your live API tokens (never the secrets)',
        response: { 200: TokenListResponse },
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
        response: { 201: CreateTokenResponse },
      },
    },
    async (request, reply) => {
      const identity = identityOf(request)
      // a leaked token must not be able to mint fresh ones that outlive its revocation
      if (identity.via !== 'session')
        throw forbidden('API tokens can only be created from a logged-in session.')
      const { name } = request.body as CreateTokenRequest
      const created = await createApiToken(app.database.db, identity.userId, name)
      return reply.code(201).send(created)
    },
  )

  app.delete(
    '/tokens/:tokenId',
    { schema: { tags: ['auth'], summary: 'Revoke one of your API tokens', params: TokenParams } },
    async (request, reply) => {
      const { tokenId } = request.params as { tokenId: string }
      const revoked = await revokeApiToken(
        app.database.db,
        app.clock,
        identityOf(request).userId,
        tokenId,
      )
      if (!revoked) throw notFound('You have no live API token with that id.')
      // the sockets and streams it opened close now, in every process
      await app.authority.tokenRevoked(tokenId)
      return reply.code(204).send()
    },
  )
}
