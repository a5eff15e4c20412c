import type { AuditChange, AuditEntryDto, AuditQuery, AuditResponse } from '@flare/protocol'
import { and, desc, eq, inArray, type SQL } from 'drizzle-orm'
import { encodePageCursor, olderThanCursor } from '../db/page-cursor.js'
import { auditLog, users } from '../db/schema.js'
import type { Tx } from '../tickets/ticket-repository.js'

const DEFAULT_PAGE = 50

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A value read as one piece: anything but an object, or an array of plain values. */
function isLeaf(value: unknown): boolean {
  if (Array.isArray(value)) return value.every((v) => typeof v !== 'object' || v === null)
  return !isRecord(value)
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Every value that differs between two JSON documents, by dotted path, in document order:
 * objects and arrays of objects are walked into, plain values and lists of plain values
 * (`notificationChannels`) compare whole. A side that lacks the path reads null.
 *
 * @example
 * diffValues({ name: 'A', conditions: [] }, { name: 'B', conditions: [] })
 * // [{ path: 'name', before: 'A', after: 'B' }]
 */
export function diffValues(before: unknown, after: unknown, path = ''): AuditChange[] {
  if (same(before, after)) return []
  if (
    (before === null || before === undefined || isLeaf(before)) &&
    (after === null || after === undefined || isLeaf(after))
  ) {
    return [{ path, before: before ?? null, after: after ?? null }]
  }
  const keys: string[] = []
  const add = (value: unknown) => {
    const own = Array.isArray(value)
      ? value.map((_, i) => String(i))
      : isRecord(value)
        ? Object.keys(value)
        : []
    for (const key of own) if (!keys.includes(key)) keys.push(key)
  }
  add(before)
  add(after)
  const at = (value: unknown, key: string): unknown =>
    Array.isArray(value) ? value[Number(key)] : isRecord(value) ? value[key] : undefined
  // one side a leaf and the other a structure: the leaf side reads null at every path
  const changes: AuditChange[] = []
  for (const key of keys) {
    changes.push(...diffValues(at(before, key), at(after, key), path ? `${path}.${key}` : key))
  }
  return changes
}

/** What a person calls the audited thing. */
function labelOf(
  entity: string,
  entityId: string | null,
  before: unknown,
  after: unknown,
): string | null {
  const side = isRecord(after) ? after : isRecord(before) ? before : null
  if (side && typeof side.name === 'string') return side.name
  if (entity === 'business_hours') return 'Business hours'
  if (entity === 'slack_integration') return 'Slack'
  if (entity === 'sla_policies') return 'SLA policies'
  if (side && typeof side.url === 'string') return side.url
  if (entity === 'notification_template' && entityId) {
    return `Template: ${entityId.split(':').at(-1) ?? entityId}`
  }
  return null
}

/** `GET /api/spaces/:spaceId/audit` (SPEC §8.4): newest first, paged, filtered by kind. */
export async function listAudit(
  db: Tx,
  spaceId: string,
  query: AuditQuery,
): Promise<AuditResponse> {
  const where: SQL[] = [eq(auditLog.spaceId, spaceId)]
  if (query.kind) where.push(inArray(auditLog.entity, query.kind.split(',')))
  if (query.cursor) {
    const before = olderThanCursor(auditLog.at, auditLog.id, query.cursor)
    if (before) where.push(before)
  }
  const limit = query.limit ? Number(query.limit) : DEFAULT_PAGE
  const rows = await db
    .select({ entry: auditLog, actorName: users.displayName })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(...where))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit + 1)
  const shown = rows.slice(0, limit)
  const last = shown.at(-1)
  return {
    entries: shown.map(
      ({ entry, actorName }): AuditEntryDto => ({
        id: entry.id,
        at: entry.at.toISOString(),
        actor:
          entry.actorUserId && actorName !== null
            ? { userId: entry.actorUserId, displayName: actorName }
            : null,
        action: entry.action === 'create' || entry.action === 'delete' ? entry.action : 'update',
        kind: entry.entity,
        entityId: entry.entityId,
        label: labelOf(entry.entity, entry.entityId, entry.before, entry.after),
        before: entry.before ?? null,
        after: entry.after ?? null,
        changes: diffValues(entry.before ?? null, entry.after ?? null),
      }),
    ),
    nextCursor:
      rows.length > limit && last
        ? encodePageCursor({ createdAt: last.entry.at, id: last.entry.id })
        : null,
  }
}
