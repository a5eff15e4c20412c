import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  type BusinessCalendar,
  BusinessHoursResponse,
  DeletedResponse,
  ErrorCode,
  type EscalationRuleFields,
  InboxParams,
  InboxPhoneEscalation,
  InboxPhoneEscalationResponse,
  RecomputeStatus,
  RotationCreate,
  RotationListResponse,
  RotationParams,
  RotationResponse,
  RotationUpdate,
  SpaceParams,
  validateCalendar,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import { and, eq } from 'drizzle-orm'
import { rotations, spaces } from '../db/schema.js'
import { badRequest, HttpError, notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { requestRecompute } from '../scheduling/due-instants.js'
import { membersAmong } from '../spaces/space-repository.js'
import { findInbox } from '../tickets/ticket-repository.js'
import {
  findRotationRow,
  findSpaceCalendar,
  listRotationRows,
  listRuleRows,
  toRotationDto,
  writeAudit,
} from './automation-repository.js'
import type { DueRecompute } from './due-recompute.js'
import type { RuleService } from './rule-service.js'

export const PHONE_PRESET_NAME = 'Escalation to a phone'
export function phoneChain(inboxId: string): string {
  return `phone:${inboxId}`
}

/** `+1 (415) 555-0100` → `+14155550100`; a number without `+` is taken as already international. */
function toE164(phone: string): string | null {
  const digits = phone.replace(/[\s().-]/g, '')
  const e164 = digits.startsWith('+') ? digits : `+${digits}`
  return /^\+[1-9]\d{6,14}$/.test(e164) ? e164 : null
}

export interface SettingsRoutesOptions {
  rules: RuleService
  recompute: DueRecompute
}

/**
 * Rotations, the space's business hours and each inbox's phone escalation (SPEC §5, §6.1,
 * §6.5). Members read; admins and managers change.
 */
export const settingsRoutes: FastifyPluginAsyncTypebox<SettingsRoutesOptions> = async (
  app,
  { rules, recompute },
) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody }
  const writer = app.requireSpaceRole('admin', 'manager')

  async function checkMembers(spaceId: string, memberIds: string[]): Promise<void> {
    const members = await membersAmong(db, spaceId, memberIds)
    const stranger = memberIds.findIndex((id) => !members.has(id))
    if (stranger >= 0) {
      throw badRequest(`memberIds.${stranger}: not a member of this space`, `memberIds.${stranger}`)
    }
  }

  app.get(
    '/spaces/:spaceId/rotations',
    {
      schema: {
        tags: ['escalation rules'],
        summary: "The space's on-call rotations",
        params: SpaceParams,
        response: { 200: RotationListResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => ({
      rotations: (await listRotationRows(db, membershipOf(request).spaceId)).map(toRotationDto),
    }),
  )

  app.post(
    '/spaces/:spaceId/rotations',
    {
      schema: {
        tags: ['escalation rules'],
        summary: 'Create an on-call rotation: ordered members, round-robin (admins and managers)',
        params: SpaceParams,
        body: RotationCreate,
        response: { 201: RotationResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request, reply) => {
      const { spaceId, userId } = membershipOf(request)
      const body = request.body
      await checkMembers(spaceId, body.memberIds)
      const row = await db.transaction(async (tx) => {
        const [stored] = await tx
          .insert(rotations)
          .values({ spaceId, name: body.name.trim(), memberIds: body.memberIds, nextIndex: 0 })
          .returning()
        if (!stored) throw new Error('rotation was not stored')
        await writeAudit(tx, {
          spaceId,
          actorUserId: userId,
          action: 'create',
          entity: 'rotation',
          entityId: stored.id,
          before: null,
          after: toRotationDto(stored),
          at: app.clock(),
        })
        return stored
      })
      return reply.code(201).send({ rotation: toRotationDto(row) })
    },
  )

  app.put(
    '/spaces/:spaceId/rotations/:rotationId',
    {
      schema: {
        tags: ['escalation rules'],
        summary: 'Rename a rotation or change its members (admins and managers)',
        params: RotationParams,
        body: RotationUpdate,
        response: { 200: RotationResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { rotationId } = request.params
      const body = request.body
      if (body.memberIds) await checkMembers(spaceId, body.memberIds)
      const row = await db.transaction(async (tx) => {
        const [current] = await tx
          .select()
          .from(rotations)
          .where(and(eq(rotations.id, rotationId), eq(rotations.spaceId, spaceId)))
          .for('update')
        if (!current) throw notFound('No such rotation in this space.')
        const memberIds = body.memberIds ?? current.memberIds
        // whoever was next stays next if still a member; else the turn goes to the same place
        const nextMember = current.memberIds[current.nextIndex % current.memberIds.length]
        const kept = nextMember ? memberIds.indexOf(nextMember) : -1
        const nextIndex = kept >= 0 ? kept : current.nextIndex % memberIds.length
        const [stored] = await tx
          .update(rotations)
          .set({ name: body.name?.trim() ?? current.name, memberIds, nextIndex })
          .where(eq(rotations.id, rotationId))
          .returning()
        if (!stored) throw new Error('rotation vanished while locked')
        await writeAudit(tx, {
          spaceId,
          actorUserId: userId,
          action: 'update',
          entity: 'rotation',
          entityId: rotationId,
          before: toRotationDto(current),
          after: toRotationDto(stored),
          at: app.clock(),
        })
        return stored
      })
      return { rotation: toRotationDto(row) }
    },
  )

  app.delete(
    '/spaces/:spaceId/rotations/:rotationId',
    {
      schema: {
        tags: ['escalation rules'],
        summary: 'Delete a rotation no rule uses (admins and managers); 409 while a rule uses it',
        params: RotationParams,
        response: { 200: DeletedResponse, ...errors, 409: ApiErrorBody },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { rotationId } = request.params
      const current = await findRotationRow(db, spaceId, rotationId)
      if (!current) throw notFound('No such rotation in this space.')
      const users = (await listRuleRows(db, spaceId)).filter(
        (r) => r.definition.escalateToRotationId === rotationId,
      )
      if (users.length > 0) {
        throw new HttpError(409, {
          code: ErrorCode.CONFLICT,
          message: `Rules use this rotation: ${users.map((r) => r.definition.name).join(', ')}. Change them first.`,
        })
      }
      await db.transaction(async (tx) => {
        await tx.delete(rotations).where(eq(rotations.id, rotationId))
        await writeAudit(tx, {
          spaceId,
          actorUserId: userId,
          action: 'delete',
          entity: 'rotation',
          entityId: rotationId,
          before: toRotationDto(current),
          after: null,
          at: app.clock(),
        })
      })
      return { deleted: true as const }
    },
  )

  app.get(
    '/spaces/:spaceId/business-hours',
    {
      schema: {
        tags: ['business hours'],
        summary:
          "The space's default calendar (Mon–Fri 09:00–17:00 in the space's timezone until one is saved)",
        params: SpaceParams,
        response: { 200: BusinessHoursResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const found = await findSpaceCalendar(db, membershipOf(request).spaceId)
      if (!found) throw notFound('No such space.')
      return { calendar: found.calendar }
    },
  )

  app.put(
    '/spaces/:spaceId/business-hours',
    {
      schema: {
        tags: ['business hours'],
        summary: "Replace the space's default calendar (admins and managers)",
        description:
          'Body `{calendar}`: a business calendar (`same`, `per-day` or `always`, an IANA timezone, ' +
          'holidays), checked with `validateCalendar`; a refusal names the field as `calendar.<field>`. ' +
          'Inboxes without their own calendar use it; open tickets get new due instants in the ' +
          'background (see `GET …/automation/recompute`).',
        params: SpaceParams,
        // validated below with validateCalendar, whose messages name the field
        body: Type.Object({ calendar: Type.Unknown() }, { additionalProperties: false }),
        response: { 200: BusinessHoursResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const result = validateCalendar(request.body.calendar)
      if (!result.ok) {
        const field = result.error.field ? `calendar.${result.error.field}` : 'calendar'
        throw badRequest(`calendar: ${result.error.message}`, field)
      }
      const calendar: BusinessCalendar = result.value
      const before = await findSpaceCalendar(db, spaceId)
      const at = app.clock()
      await db.transaction(async (tx) => {
        await tx.update(spaces).set({ calendar }).where(eq(spaces.id, spaceId))
        await writeAudit(tx, {
          spaceId,
          actorUserId: userId,
          action: 'update',
          entity: 'business_hours',
          entityId: spaceId,
          before: before?.stored ? before.calendar : null,
          after: calendar,
          at,
        })
        await requestRecompute(tx, spaceId, at)
      })
      void app.events.publish('calendar.changed', { spaceId, inboxId: null })
      return { calendar }
    },
  )

  app.get(
    '/spaces/:spaceId/automation/recompute',
    {
      schema: {
        tags: ['business hours'],
        summary:
          'Progress of the background recompute of due instants after a rule or business-hours change (admins and managers)',
        params: SpaceParams,
        response: { 200: RecomputeStatus, ...errors },
      },
      preHandler: writer,
    },
    async (request) => recompute.status(membershipOf(request).spaceId),
  )

  async function phonePreset(spaceId: string, inboxId: string) {
    const chain = phoneChain(inboxId)
    return (await listRuleRows(db, spaceId)).find((r) => r.definition.chain === chain) ?? null
  }

  app.get(
    '/spaces/:spaceId/inboxes/:inboxId/escalation-phone',
    {
      schema: {
        tags: ['inboxes'],
        summary:
          "The inbox's escalation to a phone (SPEC §6.5); disabled with no phone until first saved",
        params: InboxParams,
        response: { 200: InboxPhoneEscalationResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const { inboxId } = request.params
      if (!(await findInbox(db, spaceId, inboxId))) throw notFound('No such inbox in this space.')
      const preset = await phonePreset(spaceId, inboxId)
      if (!preset) return { enabled: false, phone: '', minutes: 5, ruleId: null }
      return {
        enabled: preset.definition.enabled,
        phone: preset.definition.recipientPhone ?? '',
        minutes: preset.definition.escalateAfterMinutes,
        ruleId: preset.id,
      }
    },
  )

  app.put(
    '/spaces/:spaceId/inboxes/:inboxId/escalation-phone',
    {
      schema: {
        tags: ['inboxes'],
        summary: "Set the inbox's escalation to a phone (admins and managers)",
        description:
          'Stored as a preset rule "Escalation to a phone" in the chain `phone:<inboxId>` (escalateTo ' +
          '`phone`, channel `sms`, wall-clock minutes of the waiting clock), so it shows in the rules ' +
          "list and never silences, nor is silenced by, the team's other rules.",
        params: InboxParams,
        body: InboxPhoneEscalation,
        response: { 200: InboxPhoneEscalationResponse, ...errors },
      },
      preHandler: writer,
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { inboxId } = request.params
      const body = request.body
      const inbox = await findInbox(db, spaceId, inboxId)
      if (!inbox) throw notFound('No such inbox in this space.')
      const phone = toE164(body.phone)
      if (!phone) {
        throw badRequest('phone: give an international number, e.g. +14155550100', 'phone')
      }
      const fields: EscalationRuleFields = {
        name: PHONE_PRESET_NAME,
        description: `Forwards a customer message left unanswered in ${inbox.name} by SMS to ${phone}.`,
        enabled: body.enabled,
        inboxId,
        priority: 'all',
        chain: phoneChain(inboxId),
        conditions: [],
        clock: 'waiting',
        escalateAfterMinutes: body.minutes,
        repeatEveryMinutes: null,
        // a phone is for when nobody is at the desk: count every minute
        businessHoursOnly: false,
        escalateTo: 'phone',
        escalateToTeamId: null,
        escalateToUserId: null,
        escalateToRotationId: null,
        recipientEmail: null,
        recipientPhone: phone,
        notificationChannels: ['sms'],
        action: null,
        addInternalNote: false,
        internalNoteTemplate: null,
      }
      const existing = await phonePreset(spaceId, inboxId)
      const rule = existing
        ? await rules.replace(spaceId, userId, existing.id, existing.definition, fields)
        : await rules.insert(spaceId, userId, fields)
      return { enabled: body.enabled, phone, minutes: body.minutes, ruleId: rule.id }
    },
  )
}
