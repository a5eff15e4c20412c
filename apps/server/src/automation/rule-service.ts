import {
  applyRuleDefaults,
  type EscalationRule,
  type EscalationRuleFields,
  type MemberRole,
  validateRuleInput,
  validateRuleUpdate,
} from '@flare/protocol'
import { findUnknownTemplateVariables, NOTE_TEMPLATE_VARIABLES } from '@flare/rules'
import { and, eq } from 'drizzle-orm'
import type { Clock } from '../auth/identity.js'
import type { Db } from '../db/database.js'
import { escalationRules, groups } from '../db/schema.js'
import { badRequest, forbidden, type HttpError, notFound } from '../errors.js'
import type { EventBus } from '../events/domain-events.js'
import { requestRecompute } from '../scheduling/due-instants.js'
import { membersAmong } from '../spaces/space-repository.js'
import {
  findRotationRow,
  findRuleRow,
  groupExists,
  inboxExists,
  listRuleRows,
  toRuleDto,
  writeAudit,
} from './automation-repository.js'

/** Who may change rules, business hours, inbox escalation settings and rotations (SPEC §1). */
export const SETTINGS_ROLES: readonly MemberRole[] = ['admin', 'manager']

export function requireSettingsRole(role: MemberRole): void {
  if (!SETTINGS_ROLES.includes(role)) {
    throw forbidden('This needs the admin or manager role in this space.')
  }
}

function refusal(error: { message: string; field?: string }): HttpError {
  return badRequest(error.message, error.field)
}

/** The checks that need the database: every id a rule names must be of this space. */
async function checkReferences(db: Db, spaceId: string, rule: EscalationRuleFields): Promise<void> {
  if (rule.inboxId !== null && !(await inboxExists(db, spaceId, rule.inboxId))) {
    throw badRequest('inboxId: no such inbox in this space', 'inboxId')
  }
  const target = rule.escalateTo
  if (target === 'team' && rule.escalateToTeamId !== null) {
    if (!(await groupExists(db, spaceId, rule.escalateToTeamId))) {
      throw badRequest('escalateToTeamId: no such team in this space', 'escalateToTeamId')
    }
  }
  if (target === 'specific_user' && rule.escalateToUserId !== null) {
    if (!(await membersAmong(db, spaceId, [rule.escalateToUserId])).has(rule.escalateToUserId)) {
      throw badRequest('escalateToUserId: not a member of this space', 'escalateToUserId')
    }
  }
  if (target === 'rotation' && rule.escalateToRotationId !== null) {
    if (!(await findRotationRow(db, spaceId, rule.escalateToRotationId))) {
      throw badRequest(
        'escalateToRotationId: no such rotation in this space',
        'escalateToRotationId',
      )
    }
  }
  for (const [index, condition] of rule.conditions.entries()) {
    // a condition on an assignee who is not a member could never hold: refuse it as a typo
    if (condition.field !== 'assignedToUserId') continue
    const values = (Array.isArray(condition.value) ? condition.value : [condition.value]).filter(
      (v): v is string => typeof v === 'string',
    )
    const members = await membersAmong(db, spaceId, values.filter(isUuid))
    const stranger = values.findIndex((v) => !members.has(v))
    if (stranger >= 0) {
      const field = Array.isArray(condition.value)
        ? `conditions.${index}.value.${stranger}`
        : `conditions.${index}.value`
      throw badRequest(`${field}: not a member of this space`, field)
    }
  }
  if (rule.internalNoteTemplate) {
    const unknown = findUnknownTemplateVariables(rule.internalNoteTemplate, NOTE_TEMPLATE_VARIABLES)
    if (unknown.length > 0) {
      throw badRequest(
        `internalNoteTemplate: unknown variable ${unknown.map((v) => `{${v}}`).join(', ')}`,
        'internalNoteTemplate',
      )
    }
  }
}

/**
 * A team named by its number in the space (seed 004's `escalateToTeamId: 1`) is stored by
 * its id; a number no team of the space has is refused naming the field.
 */
async function resolveTeamNumber<T extends { escalateToTeamId?: string | number | null }>(
  db: Db,
  spaceId: string,
  input: T,
): Promise<Omit<T, 'escalateToTeamId'> & { escalateToTeamId?: string | null }> {
  const { escalateToTeamId, ...rest } = input
  // an update that leaves the team out keeps the stored one: no key, not an undefined one
  if (escalateToTeamId === undefined) return rest
  if (typeof escalateToTeamId !== 'number') return { ...rest, escalateToTeamId }
  const [team] = await db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.spaceId, spaceId), eq(groups.number, escalateToTeamId)))
  if (!team) {
    throw badRequest(
      `escalateToTeamId: no team number ${escalateToTeamId} in this space`,
      'escalateToTeamId',
    )
  }
  return { ...rest, escalateToTeamId: team.id }
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
}

function fieldsOf(rule: EscalationRule): EscalationRuleFields {
  const { id: _id, createdAt: _c, updatedAt: _u, createdBy: _cb, updatedBy: _ub, ...fields } = rule
  return fields
}

export interface RuleServiceDeps {
  db: Db
  clock: Clock
  events: EventBus
}

/**
 * Escalation rules (SPEC §6.1, §9): validated, referenced ids checked, every change audited.
 * A change asks, in its own transaction, for the space's open tickets to get new due instants
 * in the background, and answers without waiting for them (docs/decisions/0003).
 */
export function createRuleService(deps: RuleServiceDeps) {
  const { db, clock } = deps

  function rulesChanged(spaceId: string): void {
    void deps.events.publish('rule.changed', { spaceId })
  }

  async function list(spaceId: string): Promise<EscalationRule[]> {
    return (await listRuleRows(db, spaceId)).map(toRuleDto)
  }

  async function get(spaceId: string, id: string): Promise<EscalationRule> {
    const row = await findRuleRow(db, spaceId, id)
    if (!row) throw notFound('No such escalation rule in this space.')
    return toRuleDto(row)
  }

  async function create(spaceId: string, userId: string, input: unknown): Promise<EscalationRule> {
    const parsed = validateRuleInput(input)
    if (!parsed.ok) throw refusal(parsed.error)
    const fields = applyRuleDefaults(await resolveTeamNumber(db, spaceId, parsed.value))
    await checkReferences(db, spaceId, fields)
    return insert(spaceId, userId, fields)
  }

  /** Stores an already checked rule (the phone preset uses it too). */
  async function insert(
    spaceId: string,
    userId: string | null,
    fields: EscalationRuleFields,
  ): Promise<EscalationRule> {
    const at = clock()
    const row = await db.transaction(async (tx) => {
      const [stored] = await tx
        .insert(escalationRules)
        .values({
          spaceId,
          inboxId: fields.inboxId,
          definition: fields,
          createdAt: at,
          updatedAt: at,
          createdBy: userId,
          updatedBy: userId,
        })
        .returning()
      if (!stored) throw new Error('rule was not stored')
      await writeAudit(tx, {
        spaceId,
        actorUserId: userId,
        action: 'create',
        entity: 'escalation_rule',
        entityId: stored.id,
        before: null,
        after: fields,
        at,
      })
      await requestRecompute(tx, spaceId, at)
      return stored
    })
    rulesChanged(spaceId)
    return toRuleDto(row)
  }

  async function update(
    spaceId: string,
    userId: string,
    id: string,
    input: unknown,
  ): Promise<EscalationRule> {
    const current = await get(spaceId, id)
    const before = fieldsOf(current)
    const parsed = validateRuleUpdate(input, before)
    if (!parsed.ok) throw refusal(parsed.error)
    const change = await resolveTeamNumber(db, spaceId, parsed.value)
    const fields = applyRuleDefaults({ ...before, ...change })
    // an action given without channels stands for its channels again (SPEC §6.1 shorthand)
    if (change.action && !change.notificationChannels) {
      fields.notificationChannels = applyRuleDefaults({
        ...before,
        ...change,
        notificationChannels: undefined,
      }).notificationChannels
    }
    await checkReferences(db, spaceId, fields)
    return replace(spaceId, userId, id, before, fields)
  }

  async function replace(
    spaceId: string,
    userId: string | null,
    id: string,
    before: EscalationRuleFields,
    fields: EscalationRuleFields,
  ): Promise<EscalationRule> {
    const at = clock()
    const row = await db.transaction(async (tx) => {
      const [stored] = await tx
        .update(escalationRules)
        .set({ inboxId: fields.inboxId, definition: fields, updatedAt: at, updatedBy: userId })
        .where(eq(escalationRules.id, id))
        .returning()
      if (!stored) throw notFound('No such escalation rule in this space.')
      await writeAudit(tx, {
        spaceId,
        actorUserId: userId,
        action: 'update',
        entity: 'escalation_rule',
        entityId: id,
        before,
        after: fields,
        at,
      })
      await requestRecompute(tx, spaceId, at)
      return stored
    })
    rulesChanged(spaceId)
    return toRuleDto(row)
  }

  async function remove(spaceId: string, userId: string | null, id: string): Promise<void> {
    const current = await get(spaceId, id)
    const at = clock()
    await db.transaction(async (tx) => {
      await tx.delete(escalationRules).where(eq(escalationRules.id, id))
      await writeAudit(tx, {
        spaceId,
        actorUserId: userId,
        action: 'delete',
        entity: 'escalation_rule',
        entityId: id,
        before: fieldsOf(current),
        after: null,
        at,
      })
      await requestRecompute(tx, spaceId, at)
    })
    rulesChanged(spaceId)
  }

  return { list, get, create, insert, update, replace, remove }
}

export type RuleService = ReturnType<typeof createRuleService>
