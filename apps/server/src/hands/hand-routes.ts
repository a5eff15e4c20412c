import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  EscalationEndResponse,
  EscalationListResponse,
  EscalationParams,
  EscalationRaise,
  EscalationRaised,
  EscalationsLowered,
  RecentEscalationMessages,
  SpaceParams,
} from '@flare/protocol'
import type { FastifyRequest } from 'fastify'
import { findUser } from '../auth/identity.js'
import { unauthenticated } from '../errors.js'
import { identityOf, membershipOf } from '../plugins/auth.js'
import { listActive, recentMessages } from './hand-repository.js'
import type { Actor, HandService } from './hand-service.js'

/** REST for integrations and the web app: the same rules as the socket events. */
export const handRoutes: FastifyPluginAsyncTypebox<{ service: HandService }> = async (
  app,
  { service },
) => {
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody }

  async function actorOf(request: FastifyRequest): Promise<Actor> {
    const { userId, role } = membershipOf(request)
    const user = await findUser(app.database.db, identityOf(request).userId)
    if (!user) throw unauthenticated('This account no longer exists.')
    return { userId, role, displayName: user.displayName }
  }

  app.get(
    '/spaces/:spaceId/escalations',
    {
      schema: {
        tags: ['escalations'],
        summary: 'Active escalations of the space, oldest first',
        params: SpaceParams,
        response: { 200: EscalationListResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => ({
      escalations: await listActive(app.database.db, membershipOf(request).spaceId),
    }),
  )

  app.post(
    '/spaces/:spaceId/escalations',
    {
      schema: {
        tags: ['escalations'],
        summary: 'Raise an escalation as the caller (e.g. a supervisor script with a Bearer token)',
        description:
          'Same rules as the `escalation:raise` socket event: at most 50 characters (graphemes) after line ' +
          'breaks become spaces (else 400 MESSAGE_TOO_LONG); `notify: true` makes it red and needs recipients; ' +
          'one active escalation per member (409 CONFLICT). Raised through the API, it stays until ended with DELETE.',
        params: SpaceParams,
        body: EscalationRaise,
        response: { 201: EscalationRaised, ...errors, 409: ApiErrorBody, 429: ApiErrorBody },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request, reply) => {
      const escalation = await service.raise(
        membershipOf(request).spaceId,
        await actorOf(request),
        request.body,
        'api',
      )
      return reply.code(201).send({ escalation })
    },
  )

  app.delete(
    '/spaces/:spaceId/escalations/:escalationId',
    {
      schema: {
        tags: ['escalations'],
        summary: "End an escalation: your own, or anyone's as an admin or manager",
        params: EscalationParams,
        response: { 200: EscalationEndResponse, ...errors, 403: ApiErrorBody },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { escalationId } = request.params
      return {
        ended: await service.end(
          membershipOf(request).spaceId,
          await actorOf(request),
          escalationId,
        ),
      }
    },
  )

  app.post(
    '/spaces/:spaceId/escalations/lower-all',
    {
      schema: {
        tags: ['escalations'],
        summary: 'End every active escalation of the space (admins, managers)',
        params: SpaceParams,
        response: { 200: EscalationsLowered, ...errors, 403: ApiErrorBody },
      },
      preHandler: app.requireSpaceRole('admin', 'manager'),
    },
    async (request) => ({
      ended: await service.lowerAll(membershipOf(request).spaceId, await actorOf(request)),
    }),
  )

  app.get(
    '/spaces/:spaceId/escalations/recent-messages',
    {
      schema: {
        tags: ['escalations'],
        summary: "The caller's 5 most recent distinct escalation messages, newest first",
        params: SpaceParams,
        response: { 200: RecentEscalationMessages, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      return { messages: await recentMessages(app.database.db, spaceId, userId) }
    },
  )
}
