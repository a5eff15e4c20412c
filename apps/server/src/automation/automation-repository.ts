import type { BusinessCalendar, EscalationRule, RotationDto } from '@flare/protocol'
import { and, asc, eq } from 'drizzle-orm'
import { auditLog, escalationRules, groups, inboxes, rotations, spaces } from '../db/schema.js'
import { defaultCalendar } from '../scheduling/due-instants.js'
import type { Tx } from '../tickets/ticket-repository.js'

export type RuleRow = typeof escalationRules.$inferSelect
export type RotationRow = typeof rotations.$inferSelect

/** A stored rule as the REST API shows it (SPEC §6.1). */
export function toRuleDto(row: RuleRow): EscalationRule {
  return {
    id: row.id,
    ...row.definition,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
  }
}

export function toRotationDto(row: RotationRow): RotationDto {
  return { id: row.id, name: row.name, memberIds: row.memberIds, nextIndex: row.nextIndex }
}

export async function listRuleRows(db: Tx, spaceId: string): Promise<RuleRow[]> {
  return db
    .select()
    .from(escalationRules)
    .where(eq(escalationRules.spaceId, spaceId))
    .orderBy(asc(escalationRules.createdAt), asc(escalationRules.id))
}

export async function findRuleRow(db: Tx, spaceId: string, id: string): Promise<RuleRow | null> {
  const [row] = await db
    .select()
    .from(escalationRules)
    .where(and(eq(escalationRules.id, id), eq(escalationRules.spaceId, spaceId)))
  return row ?? null
}

export async function findSpaceCalendar(
  db: Tx,
  spaceId: string,
): Promise<{ calendar: BusinessCalendar; stored: boolean } | null> {
  const [space] = await db
    .select({ timezone: spaces.timezone, calendar: spaces.calendar })
    .from(spaces)
    .where(eq(spaces.id, spaceId))
  if (!space) return null
  return {
    calendar: space.calendar ?? defaultCalendar(space.timezone),
    stored: space.calendar !== null,
  }
}

export async function listRotationRows(db: Tx, spaceId: string): Promise<RotationRow[]> {
  return db
    .select()
    .from(rotations)
    .where(eq(rotations.spaceId, spaceId))
    .orderBy(asc(rotations.name), asc(rotations.id))
}

export async function findRotationRow(
  db: Tx,
  spaceId: string,
  id: string,
): Promise<RotationRow | null> {
  const [row] = await db
    .select()
    .from(rotations)
    .where(and(eq(rotations.id, id), eq(rotations.spaceId, spaceId)))
  return row ?? null
}

export async function groupExists(db: Tx, spaceId: string, groupId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.id, groupId), eq(groups.spaceId, spaceId)))
  return row !== undefined
}

export async function inboxExists(db: Tx, spaceId: string, inboxId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.spaceId, spaceId)))
  return row !== undefined
}

export interface AuditEntry {
  spaceId: string
  actorUserId: string | null
  action: 'create' | 'update' | 'delete'
  entity:
    | 'escalation_rule'
    | 'rotation'
    | 'business_hours'
    | 'inbox_phone_escalation'
    | 'sla_policies'
    | 'inbox_triggers'
  entityId: string | null
  before: unknown
  after: unknown
  at: Date
}

export async function writeAudit(db: Tx, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    spaceId: entry.spaceId,
    actorUserId: entry.actorUserId,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    at: entry.at,
  })
}
