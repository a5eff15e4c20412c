import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  ErrorCode,
  MemberParams,
  MemberResponse,
  MemberRoleUpdate,
  SpaceParams,
  SpaceResponse,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import { HttpError, notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import {
  changeRole,
  findSpace,
  listGroups,
  listMembers,
  listRooms,
  type MembershipChangeRefusal,
  removeMember,
} from '../spaces/space-repository.js'

function refusalError(refusal: MembershipChangeRefusal): HttpError {
  if (refusal === 'not_member') return notFound('No such member in this space.')
  return new HttpError(409, {
    code: ErrorCode.CONFLICT,
    message: 'A space keeps at least one admin: make someone else an admin first.',
  })
}

export const spaceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/spaces/:spaceId',
    {
      schema: {
        tags: ['spaces'],
        summary: "A space's map, rooms, groups and members (members only)",
        params: SpaceParams,
        response: { 200: SpaceResponse, 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, role } = membershipOf(request)
      const db = app.database.db
      const [space, rooms, groups, members] = await Promise.all([
        findSpace(db, spaceId),
        listRooms(db, spaceId),
        listGroups(db, spaceId),
        listMembers(db, spaceId),
      ])
      if (!space) throw notFound('No such space.')
      return { space, role, rooms, groups, members }
    },
  )

  const errors = {
    400: ApiErrorBody,
    401: ApiErrorBody,
    403: ApiErrorBody,
    404: ApiErrorBody,
    409: ApiErrorBody,
  }

  app.patch(
    '/spaces/:spaceId/members/:userId',
    {
      schema: {
        tags: ['spaces'],
        summary: "Change a member's role (admins only)",
        description:
          "Takes effect at once, also on the member's open connections: every socket event that " +
          'needs a role reads it again. A space keeps at least one admin (else 409 CONFLICT).',
        params: MemberParams,
        body: MemberRoleUpdate,
        response: { 200: MemberResponse, ...errors },
      },
      preHandler: app.requireSpaceRole('admin'),
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const { userId } = request.params
      const { role } = request.body
      const result = await changeRole(app.database.db, spaceId, userId, role)
      if (typeof result === 'string') throw refusalError(result)
      // everyone in the space sees the new role at once, not when the member next reconnects;
      // the change is stored, so a presence that cannot be told now only shows it late
      try {
        const hub = await app.realtime.hub(spaceId)
        hub.refreshMember(userId, { displayName: result.displayName, role: result.role })
      } catch (error) {
        request.log.warn({ err: error }, 'the new role could not reach presence now')
      }
      return { member: result }
    },
  )

  app.delete(
    '/spaces/:spaceId/members/:userId',
    {
      schema: {
        tags: ['spaces'],
        summary: 'Remove a member from the space (admins only)',
        description:
          "Also takes them out of the space's groups and inbox admins. Their open connections and " +
          'streams of this space close at once, in every server process. A space keeps at least ' +
          'one admin (else 409 CONFLICT).',
        params: MemberParams,
        response: { 204: Type.Null({ description: 'Removed' }), ...errors },
      },
      preHandler: app.requireSpaceRole('admin'),
    },
    async (request, reply) => {
      const { spaceId } = membershipOf(request)
      const { userId } = request.params
      const result = await removeMember(app.database.db, spaceId, userId)
      if (result !== true) throw refusalError(result)
      await app.authority.memberRemoved(spaceId, userId)
      return reply.code(204).send(null)
    },
  )
}
