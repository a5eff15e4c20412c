import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApiErrorBody, SlaPoliciesResponse, SlaPoliciesUpdate, SpaceParams } from '@flare/protocol'
import { membershipOf } from '../plugins/auth.js'
import type { SlaService } from './sla-service.js'

/** `GET/PUT /api/spaces/:spaceId/sla-policies` (SPEC §8.1): members read; admins and managers replace. */
export const slaRoutes: FastifyPluginAsyncTypebox<{ sla: SlaService }> = async (app, { sla }) => {
  const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody }

  app.get(
    '/spaces/:spaceId/sla-policies',
    {
      schema: {
        tags: ['sla'],
        summary: "The space's SLA policies, space-wide ones first",
        params: SpaceParams,
        response: { 200: SlaPoliciesResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => ({ policies: await sla.list(membershipOf(request).spaceId) }),
  )

  app.put(
    '/spaces/:spaceId/sla-policies',
    {
      schema: {
        tags: ['sla'],
        summary: "Replace the space's SLA policies (admins and managers)",
        description:
          'Body `{policies}`: the whole set. Each policy is for one priority, space-wide ' +
          '(`inboxId` null or absent) or for one inbox, whose own policy wins; it has a ' +
          '`firstResponseMinutes` target, a `resolutionMinutes` target or both, counted in ' +
          "business minutes of the inbox's calendar (`businessHours`, default true) or " +
          'wall-clock, and is at risk from `atRiskPercent` (default 80) of each target. Two ' +
          'policies for one priority and inbox are refused naming the second. Open tickets get ' +
          'their new SLA status in the background (see `GET …/automation/recompute`).',
        params: SpaceParams,
        body: SlaPoliciesUpdate,
        response: { 200: SlaPoliciesResponse, ...errors },
      },
      preHandler: app.requireSpaceRole('admin', 'manager'),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      return { policies: await sla.replace(spaceId, userId, request.body) }
    },
  )
}
