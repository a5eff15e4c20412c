import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  DeletedResponse,
  EscalationRuleCreate,
  EscalationRuleListResponse,
  EscalationRuleParams,
  EscalationRuleQuery,
  EscalationRuleResponse,
  EscalationRuleUpdate,
  parse,
} from '@flare/protocol'
import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify'
import { notFound } from '../errors.js'
import { callerSpace, membershipOf } from '../plugins/auth.js'
import type { Membership } from '../spaces/space-repository.js'
import { type RuleService, requireSettingsRole } from './rule-service.js'

const SPACE_NOTE =
  ' These paths carry no space id: the space is the caller’s only space; a member of several ' +
  'spaces names one with `?spaceId=` (else 400 VALIDATION, field `spaceId`).'

/**
 * `/api/tickets/escalation-rules` (SPEC §6.1, §9), shaped as seed 004 prints it. Any member
 * reads; admins and managers write.
 */
export const ruleRoutes: FastifyPluginAsyncTypebox<{ rules: RuleService }> = async (
  app,
  { rules },
) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody }

  async function spaceOf(request: FastifyRequest): Promise<Membership> {
    request.identity ??= await app.identify(request.headers)
    const userId = request.identity.userId
    // read before the query is validated: a spaceId that is no id names no space of theirs
    const query = parse(EscalationRuleQuery, request.query)
    if (!query.ok) throw notFound('No such space.')
    return callerSpace(db, userId, query.value.spaceId)
  }

  // before the body is validated: who may not write learns that first, not what was wrong
  function guard(write: boolean): preValidationAsyncHookHandler {
    return async (request) => {
      const membership = await spaceOf(request)
      if (write) requireSettingsRole(membership.role)
      request.membership = membership
    }
  }
  const reader = guard(false)
  const writer = guard(true)

  app.get(
    '/tickets/escalation-rules',
    {
      schema: {
        tags: ['escalation rules'],
        summary: 'Every escalation rule of the space, oldest first (any member)',
        description: `Phone presets (chain \`phone:<inboxId>\`) are listed too.${SPACE_NOTE}`,
        querystring: EscalationRuleQuery,
        response: { 200: EscalationRuleListResponse, ...errors },
      },
      preValidation: reader,
    },
    async (request) => ({ rules: await rules.list(membershipOf(request).spaceId) }),
  )

  app.post(
    '/tickets/escalation-rules',
    {
      schema: {
        tags: ['escalation rules'],
        summary:
          'Create an escalation rule (admins and managers); answers 201 with the stored rule',
        description:
          'Every field is validated; teams, users, rotations and inboxes named must exist in the space ' +
          '(else 400 naming the field); `internalNoteTemplate` may use only the variables of SPEC §6.1. ' +
          `Open tickets get new due instants at once.${SPACE_NOTE}`,
        querystring: EscalationRuleQuery,
        body: EscalationRuleCreate,
        response: { 201: EscalationRuleResponse, ...errors },
      },
      preValidation: writer,
    },
    async (request, reply) => {
      const { spaceId, userId } = membershipOf(request)
      const rule = await rules.create(spaceId, userId, request.body)
      return reply.code(201).send({ rule })
    },
  )

  app.get(
    '/tickets/escalation-rules/:id',
    {
      schema: {
        tags: ['escalation rules'],
        summary: 'One escalation rule (any member)',
        description: SPACE_NOTE.trim(),
        params: EscalationRuleParams,
        querystring: EscalationRuleQuery,
        response: { 200: EscalationRuleResponse, ...errors },
      },
      preValidation: reader,
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      return { rule: await rules.get(spaceId, request.params.id) }
    },
  )

  app.put(
    '/tickets/escalation-rules/:id',
    {
      schema: {
        tags: ['escalation rules'],
        summary: 'Change an escalation rule: any subset of its fields (admins and managers)',
        description: `The rule as changed must be as valid as a new one.${SPACE_NOTE}`,
        params: EscalationRuleParams,
        querystring: EscalationRuleQuery,
        body: EscalationRuleUpdate,
        response: { 200: EscalationRuleResponse, ...errors },
      },
      preValidation: writer,
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      return { rule: await rules.update(spaceId, userId, request.params.id, request.body) }
    },
  )

  app.delete(
    '/tickets/escalation-rules/:id',
    {
      schema: {
        tags: ['escalation rules'],
        summary: 'Delete an escalation rule (admins and managers)',
        description: `Tickets keep the history of its firings.${SPACE_NOTE}`,
        params: EscalationRuleParams,
        querystring: EscalationRuleQuery,
        response: { 200: DeletedResponse, ...errors },
      },
      preValidation: writer,
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      await rules.remove(spaceId, userId, request.params.id)
      return { deleted: true as const }
    },
  )
}
