import { SpaceParams, SpaceResponse } from '@flare/protocol'
import type { FastifyPluginAsync } from 'fastify'
import { notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { findSpace, listGroups, listMembers, listRooms } from '../spaces/space-repository.js'

export const spaceRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/spaces/:spaceId',
    {
      schema: {
        tags: ['spaces'],
        summary: "A space's map, rooms, groups and members (members only)",
        params: SpaceParams,
        response: { 200: SpaceResponse },
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
