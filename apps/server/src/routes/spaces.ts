import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  DeletedResponse,
  ErrorCode,
  GroupCreate,
  GroupParams,
  GroupResponse,
  GroupUpdate,
  MemberCreate,
  MemberParams,
  MemberResponse,
  MemberRoleUpdate,
  SpaceParams,
  SpaceResponse,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { badRequest, HttpError, notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import {
  type Actor,
  addMember,
  changeRole,
  createGroup,
  deleteGroup,
  directoryVersionOf,
  findSpace,
  type GroupChangeRefusal,
  listGroups,
  listMembers,
  listRooms,
  type MemberRemovalRefusal,
  removeMember,
  updateGroup,
} from '../spaces/space-repository.js'

function refusalError(refusal: MemberRemovalRefusal): HttpError {
  if (refusal === 'not_member') return notFound('No such member in this space.')
  if (typeof refusal === 'object') {
    return new HttpError(409, {
      code: ErrorCode.CONFLICT,
      message: `Rules send to this member by name: ${refusal.usedByRules.join(', ')}. Change them first.`,
    })
  }
  return new HttpError(409, {
    code: ErrorCode.CONFLICT,
    message: 'A space keeps at least one admin: make someone else an admin first.',
  })
}

function groupRefusalError(refused: GroupChangeRefusal): HttpError {
  switch (refused.refusal) {
    case 'not_found':
      return notFound('No such group in this space.')
    case 'handle_taken':
      return new HttpError(409, {
        code: ErrorCode.CONFLICT,
        message: 'Another group of this space has that handle.',
        field: 'handle',
      })
    case 'not_member':
      return badRequest(
        `memberIds.${refused.index}: not a member of this space`,
        `memberIds.${refused.index}`,
      )
    case 'used_by_rules':
      return new HttpError(409, {
        code: ErrorCode.CONFLICT,
        message: `Rules send to this group: ${refused.rules.join(', ')}. Change them first.`,
      })
  }
}

/** A group's name as stored: trimmed, and never blank. */
function groupName(name: string): string {
  const trimmed = name.trim()
  if (trimmed === '') throw badRequest('name: must not be blank', 'name')
  return trimmed
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
      // read before the lists: a change committed in between makes the lists newer than the
      // count (a page reads them once more for nothing), never the count newer than the lists
      const directoryVersion = await directoryVersionOf(db, spaceId)
      const [space, rooms, groups, members] = await Promise.all([
        findSpace(db, spaceId),
        listRooms(db, spaceId),
        listGroups(db, spaceId),
        listMembers(db, spaceId),
      ])
      if (!space) throw notFound('No such space.')
      return { space, role, rooms, groups, members, directoryVersion }
    },
  )

  const errors = {
    400: ApiErrorBody,
    401: ApiErrorBody,
    403: ApiErrorBody,
    404: ApiErrorBody,
    409: ApiErrorBody,
  }

  function actorOf(request: FastifyRequest): Actor {
    return { userId: membershipOf(request).userId, at: app.clock() }
  }

  app.post(
    '/spaces/:spaceId/members',
    {
      schema: {
        tags: ['spaces'],
        summary: 'Add an existing account to the space by its email (admins only)',
        description:
          'The email is matched as logins match it (trimmed, any case). No account is created: ' +
          'an unknown email is 404 NOT_FOUND, and someone already a member is 409 CONFLICT. An ' +
          'account already in other spaces is added only by an admin who shares one of them ' +
          "with it; another tenant's account is answered as an unknown email. The new member " +
          'is in the space at once and may connect.',
        params: SpaceParams,
        body: MemberCreate,
        response: { 201: MemberResponse, ...errors },
      },
      preHandler: app.requireSpaceRole('admin'),
    },
    async (request, reply) => {
      const { spaceId } = membershipOf(request)
      const { email, role } = request.body
      const result = await addMember(app.database.db, spaceId, email, role, actorOf(request))
      if (result === 'no_account') {
        throw new HttpError(404, {
          code: ErrorCode.NOT_FOUND,
          message:
            'No Flare account you can add has that email (accounts are not created here yet; ' +
            'one in spaces of another organisation is added by an admin of theirs).',
          field: 'email',
        })
      }
      if (result === 'already_member') {
        throw new HttpError(409, {
          code: ErrorCode.CONFLICT,
          message: 'That person is already a member of this space.',
          field: 'email',
        })
      }
      // every open page of the space can pick the new member at once (SPEC §1.5.5)
      app.broadcast.toSpace(spaceId, 'member:updated', result)
      return reply.code(201).send({ member: result })
    },
  )

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
      const result = await changeRole(app.database.db, spaceId, userId, role, actorOf(request))
      if (typeof result === 'string') throw refusalError(result)
      // everyone in the space sees the new role at once, not when the member next reconnects;
      // the change is stored, so a presence that cannot be told now only shows it late
      try {
        const hub = await app.realtime.hub(spaceId)
        hub.refreshMember(userId, { displayName: result.displayName, role: result.role })
      } catch (error) {
        request.log.warn({ err: error }, 'the new role could not reach presence now')
      }
      app.broadcast.toSpace(spaceId, 'member:updated', result)
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
          "Also takes them out of the space's groups, on-call rotations and inbox admins. Their " +
          'open connections and streams of this space close at once, in every server process; ' +
          'before the answer their hands end (`ended_by_manager`) and their open and held tickets ' +
          'are unassigned. A space keeps at least one admin, and a member a rule sends to by name ' +
          '(target or fallback) stays until the rule changes (else 409 CONFLICT).',
        params: MemberParams,
        response: { 204: Type.Null({ description: 'Removed' }), ...errors },
      },
      preHandler: app.requireSpaceRole('admin'),
    },
    async (request, reply) => {
      const { spaceId } = membershipOf(request)
      const { userId } = request.params
      const result = await removeMember(app.database.db, spaceId, userId, actorOf(request))
      if (result !== true) throw refusalError(result)
      await app.authority.memberRemoved(spaceId, userId)
      app.broadcast.toSpace(spaceId, 'member:removed', { userId })
      // their hands come down and their tickets are freed before the answer says it is done
      await app.events.publish('member.removed', {
        spaceId,
        userId,
        removedBy: membershipOf(request).userId,
      })
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/spaces/:spaceId/groups',
    {
      schema: {
        tags: ['spaces'],
        summary: 'Create a group: a name, an @handle and members (admins only)',
        description:
          'The handle is what chat mentions and the recipient picker show after `@`: lower-case ' +
          'letters, digits, `.`, `_`, `-`, beginning and ending with a letter or digit, unique ' +
          'in the space (else 409 CONFLICT). Every member id must be a member of the space. The ' +
          'group gets the next team number of the space, which rules may name it by.',
        params: SpaceParams,
        body: GroupCreate,
        response: { 201: GroupResponse, ...errors },
      },
      preHandler: app.requireSpaceRole('admin'),
    },
    async (request, reply) => {
      const { spaceId } = membershipOf(request)
      const input = { ...request.body, name: groupName(request.body.name) }
      const result = await createGroup(app.database.db, spaceId, input, actorOf(request))
      if ('refusal' in result) throw groupRefusalError(result)
      app.broadcast.toSpace(spaceId, 'group:updated', result)
      return reply.code(201).send({ group: result })
    },
  )

  app.patch(
    '/spaces/:spaceId/groups/:groupId',
    {
      schema: {
        tags: ['spaces'],
        summary: 'Rename a group, change its handle or replace its members (admins only)',
        description:
          'What is given replaces what was; `memberIds` is the whole new list. Escalations already ' +
          'raised to the group keep the people they reached; rules sending to it reach its members ' +
          'as they are when they fire.',
        params: GroupParams,
        body: GroupUpdate,
        response: { 200: GroupResponse, ...errors },
      },
      preHandler: app.requireSpaceRole('admin'),
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const { name, ...rest } = request.body
      const patch = name === undefined ? rest : { ...rest, name: groupName(name) }
      const result = await updateGroup(
        app.database.db,
        spaceId,
        request.params.groupId,
        patch,
        actorOf(request),
      )
      if ('refusal' in result) throw groupRefusalError(result)
      app.broadcast.toSpace(spaceId, 'group:updated', result)
      return { group: result }
    },
  )

  app.delete(
    '/spaces/:spaceId/groups/:groupId',
    {
      schema: {
        tags: ['spaces'],
        summary: 'Delete a group no rule sends to (admins only); 409 while a rule does',
        description:
          'A rule that escalates to the group (its target or its fallback) keeps it: change those ' +
          'rules first (409 CONFLICT names them). Raised hands and chat messages that named the ' +
          'group keep its id and read it as deleted.',
        params: GroupParams,
        response: { 200: DeletedResponse, ...errors },
      },
      preHandler: app.requireSpaceRole('admin'),
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const result = await deleteGroup(
        app.database.db,
        spaceId,
        request.params.groupId,
        actorOf(request),
      )
      if (result !== true) throw groupRefusalError(result)
      app.broadcast.toSpace(spaceId, 'group:deleted', { groupId: request.params.groupId })
      return { deleted: true as const }
    },
  )
}
