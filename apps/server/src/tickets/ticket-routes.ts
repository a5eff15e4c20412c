import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  SpaceParams,
  TicketCountsResponse,
  TicketCreate,
  TicketListQuery,
  TicketListResponse,
  TicketMessageCreate,
  TicketMessageResponse,
  TicketOnlyResponse,
  TicketParams,
  TicketResponse,
  TicketUpdate,
} from '@flare/protocol'
import { identityOf, membershipOf } from '../plugins/auth.js'
import { listMessages, toMessageDto, toTicketDto } from './ticket-repository.js'
import type { TicketService } from './ticket-service.js'

/** Staff-side ticket routes. Any member of the space may read and work tickets (SPEC §1). */
export const ticketRoutes: FastifyPluginAsyncTypebox<{ service: TicketService }> = async (
  app,
  { service },
) => {
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody }

  app.get(
    '/spaces/:spaceId/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary:
          'Tickets of the space, newest or longest waiting first, filtered and paged by cursor, with the space-wide counts',
        params: SpaceParams,
        querystring: TicketListQuery,
        response: { 200: TicketListResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      return service.list(spaceId, userId, request.query)
    },
  )

  app.get(
    '/spaces/:spaceId/tickets/counts',
    {
      schema: {
        tags: ['tickets'],
        summary: 'How many customers wait and how many tickets are escalated, space-wide',
        params: SpaceParams,
        response: { 200: TicketCountsResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      return { counts: await service.counts(spaceId) }
    },
  )

  app.post(
    '/spaces/:spaceId/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Open a ticket by hand (a call taken down, an outbound conversation)',
        params: SpaceParams,
        body: TicketCreate,
        response: { 201: TicketOnlyResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request, reply) => {
      const { spaceId } = membershipOf(request)
      const ticket = await service.create(spaceId, identityOf(request).userId, request.body)
      return reply.code(201).send({ ticket })
    },
  )

  app.get(
    '/spaces/:spaceId/tickets/:ticketId',
    {
      schema: {
        tags: ['tickets'],
        summary: 'One ticket with its conversation, internal notes included',
        params: TicketParams,
        response: { 200: TicketResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const { ticketId } = request.params
      const row = await service.read(spaceId, ticketId)
      const messages = await listMessages(app.database.db, row.id)
      return { ticket: toTicketDto(row), messages: messages.map(toMessageDto) }
    },
  )

  app.patch(
    '/spaces/:spaceId/tickets/:ticketId',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Change status (hold until, resolve, close, reopen), priority, assignee, category',
        params: TicketParams,
        body: TicketUpdate,
        response: { 200: TicketOnlyResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const { ticketId } = request.params
      return { ticket: await service.update(spaceId, ticketId, request.body) }
    },
  )

  for (const [path, internal, summary] of [
    ['replies', false, 'Reply to the customer: a material response, ends the waiting period'],
    ['notes', true, 'Add an internal note: staff only, not a material response'],
  ] as const) {
    app.post(
      `/spaces/:spaceId/tickets/:ticketId/${path}`,
      {
        schema: {
          tags: ['tickets'],
          summary,
          params: TicketParams,
          body: TicketMessageCreate,
          response: { 201: TicketMessageResponse, ...errors },
        },
        preHandler: app.requireSpaceRole(),
      },
      async (request, reply) => {
        const { spaceId, userId } = membershipOf(request)
        const { ticketId } = request.params
        const { body } = request.body
        const result = await service.addStaffMessage(spaceId, ticketId, userId, body, internal)
        return reply.code(201).send(result)
      },
    )
  }
}
