import type {
  EndReason,
  EscalationColor,
  EscalationDto,
  EscalationEnded,
  EscalationResponseDto,
} from '@flare/protocol'
import { and, asc, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { escalationResponses, escalations, groupMembers, groups, users } from '../db/schema.js'

type Row = typeof escalations.$inferSelect

function toDto(row: Row, responses: EscalationResponseDto[]): EscalationDto {
  return {
    id: row.id,
    raisedBy: row.raisedBy,
    message: row.message,
    color: row.color,
    recipients: { userIds: row.recipientUserIds, groupIds: row.recipientGroupIds },
    startedAt: row.startedAt.toISOString(),
    responses,
  }
}

/** True when a database error is a unique-constraint violation (on both drivers). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true
  }
  return false
}

export interface NewHand {
  spaceId: string
  raisedBy: string
  message: string
  color: EscalationColor
  recipientUserIds: string[]
  recipientGroupIds: string[]
  notifiedUserIds: string[]
  startedAt: Date
  origin: 'space' | 'api'
}

export async function insertHand(db: Db, values: NewHand): Promise<EscalationDto> {
  const [row] = await db.insert(escalations).values(values).returning()
  if (!row) throw new Error('insert returned no row')
  return toDto(row, [])
}

async function responsesOf(db: Db, ids: string[]): Promise<Map<string, EscalationResponseDto[]>> {
  const byId = new Map<string, EscalationResponseDto[]>()
  if (ids.length === 0) return byId
  const rows = await db
    .select()
    .from(escalationResponses)
    .where(inArray(escalationResponses.escalationId, ids))
    .orderBy(asc(escalationResponses.at))
  for (const r of rows) {
    const list = byId.get(r.escalationId) ?? []
    list.push({ userId: r.userId, action: r.action, at: r.at.toISOString() })
    byId.set(r.escalationId, list)
  }
  return byId
}

/**
 * The red hands up in a space that each of `userIds` was notified of and has not answered
 * (neither Approach nor Chat), each with its raiser's name: the cards a recipient whose page
 * was closed, reloaded or offline when the hand went up still has to see (SPEC §3.3.1). One
 * query for a flush's snapshots, on the partial index of active hands.
 */
export async function unansweredRedHandsOf(
  db: Db,
  spaceId: string,
  userIds: readonly string[],
): Promise<Map<string, Array<{ escalationId: string; raiserName: string }>>> {
  const byUser = new Map<string, Array<{ escalationId: string; raiserName: string }>>()
  if (userIds.length === 0) return byUser
  const rows = await db
    .select({
      id: escalations.id,
      notified: escalations.notifiedUserIds,
      raiserName: users.displayName,
    })
    .from(escalations)
    .innerJoin(users, eq(users.id, escalations.raisedBy))
    .where(
      and(
        eq(escalations.spaceId, spaceId),
        isNull(escalations.endedAt),
        eq(escalations.color, 'red'),
      ),
    )
    .orderBy(asc(escalations.startedAt), asc(escalations.id))
  if (rows.length === 0) return byUser
  const responses = await responsesOf(
    db,
    rows.map((r) => r.id),
  )
  const wanted = new Set(userIds)
  for (const row of rows) {
    const answered = new Set((responses.get(row.id) ?? []).map((r) => r.userId))
    for (const userId of row.notified) {
      if (!wanted.has(userId) || answered.has(userId)) continue
      const list = byUser.get(userId) ?? []
      list.push({ escalationId: row.id, raiserName: row.raiserName })
      byUser.set(userId, list)
    }
  }
  return byUser
}

/** The space's active escalations, oldest first (SPEC §3: the list beside the map). */
export async function listActive(db: Db, spaceId: string): Promise<EscalationDto[]> {
  const rows = await db
    .select()
    .from(escalations)
    .where(and(eq(escalations.spaceId, spaceId), isNull(escalations.endedAt)))
    .orderBy(asc(escalations.startedAt), asc(escalations.id))
  const responses = await responsesOf(
    db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => toDto(r, responses.get(r.id) ?? []))
}

/** Every active escalation in every space, for the reconnect grace after a restart. */
export async function listAllActive(
  db: Db,
): Promise<Array<{ id: string; spaceId: string; raisedBy: string; origin: 'space' | 'api' }>> {
  return db
    .select({
      id: escalations.id,
      spaceId: escalations.spaceId,
      raisedBy: escalations.raisedBy,
      origin: escalations.origin,
    })
    .from(escalations)
    .where(isNull(escalations.endedAt))
}

export async function findActive(
  db: Db,
  spaceId: string,
  where: { id: string } | { raisedBy: string },
): Promise<(EscalationDto & { notifiedUserIds: string[] }) | null> {
  const [row] = await db
    .select()
    .from(escalations)
    .where(
      and(
        eq(escalations.spaceId, spaceId),
        isNull(escalations.endedAt),
        'id' in where ? eq(escalations.id, where.id) : eq(escalations.raisedBy, where.raisedBy),
      ),
    )
  if (!row) return null
  const responses = await responsesOf(db, [row.id])
  return { ...toDto(row, responses.get(row.id) ?? []), notifiedUserIds: row.notifiedUserIds }
}

/**
 * Ends escalations that are still active, atomically: of two processes or two clicks ending
 * the same one, exactly one gets it back and broadcasts the end.
 */
export async function endHands(
  db: Db,
  spaceId: string,
  which: { id: string } | { raisedBy: string; origin?: 'space' } | 'all',
  reason: EndReason,
  endedBy: string | null,
  at: Date,
): Promise<EscalationEnded[]> {
  const rows = await db
    .update(escalations)
    .set({ endedAt: at, endReason: reason, endedBy })
    .where(
      and(
        eq(escalations.spaceId, spaceId),
        isNull(escalations.endedAt),
        which === 'all'
          ? undefined
          : 'id' in which
            ? eq(escalations.id, which.id)
            : and(
                eq(escalations.raisedBy, which.raisedBy),
                which.origin ? eq(escalations.origin, which.origin) : undefined,
              ),
      ),
    )
    .returning({ id: escalations.id, raisedBy: escalations.raisedBy })
  return rows.map((r) => ({
    id: r.id,
    raisedBy: r.raisedBy,
    reason,
    endedBy,
    endedAt: at.toISOString(),
  }))
}

/** Records a response once per person and action; false when it was already recorded. */
export async function addResponse(
  db: Db,
  escalationId: string,
  response: { userId: string; action: EscalationResponseDto['action']; at: Date },
): Promise<boolean> {
  const rows = await db
    .insert(escalationResponses)
    .values({ escalationId, ...response })
    .onConflictDoNothing()
    .returning({ userId: escalationResponses.userId })
  return rows.length > 0
}

/** How many escalations the member raised since `since`, and when the oldest of them was. */
export async function raisedSince(
  db: Db,
  spaceId: string,
  userId: string,
  since: Date,
): Promise<{ count: number; oldest: Date | null }> {
  const [row] = await db
    .select({
      n: sql<number>`count(*)::int`,
      oldest: sql<Date | null>`min(${escalations.startedAt})`.mapWith(escalations.startedAt),
    })
    .from(escalations)
    .where(
      and(
        eq(escalations.spaceId, spaceId),
        eq(escalations.raisedBy, userId),
        gt(escalations.startedAt, since),
      ),
    )
  return { count: row?.n ?? 0, oldest: row?.oldest ?? null }
}

/** The member's most recent distinct messages, newest first (SPEC §3: offered for reuse). */
export async function recentMessages(
  db: Db,
  spaceId: string,
  userId: string,
  limit = 5,
): Promise<string[]> {
  const rows = await db
    .select({
      message: escalations.message,
      last: sql<Date>`max(${escalations.startedAt})`.as('last'),
    })
    .from(escalations)
    .where(
      and(
        eq(escalations.spaceId, spaceId),
        eq(escalations.raisedBy, userId),
        sql`${escalations.message} <> ''`,
      ),
    )
    .groupBy(escalations.message)
    .orderBy(desc(sql`max(${escalations.startedAt})`))
    .limit(limit)
  return rows.map((r) => r.message)
}

/** The members of these groups of the space, by group; groups of other spaces are absent. */
export async function groupsWithMembers(
  db: Db,
  spaceId: string,
  groupIds: string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>()
  if (groupIds.length === 0) return found
  const rows = await db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.spaceId, spaceId), inArray(groups.id, groupIds)))
  for (const r of rows) found.set(r.id, [])
  if (found.size === 0) return found
  const links = await db
    .select({ groupId: groupMembers.groupId, userId: groupMembers.userId })
    .from(groupMembers)
    .where(inArray(groupMembers.groupId, [...found.keys()]))
  for (const l of links) found.get(l.groupId)?.push(l.userId)
  return found
}
