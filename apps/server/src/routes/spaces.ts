import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApiErrorBody, SpaceParams, SpaceResponse } from '@flare/protocol'
import { notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { findSpace, listGroups, listMembers, listRooms } from '../spaces/space-repository.js'

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
}
