import type { PerspectiveItem, PerspectiveQuery, PerspectiveResponse } from '@flare/protocol'
import { and, desc, eq, gt, inArray, isNull, notExists, or, type SQL } from 'drizzle-orm'
import { alias, type PgColumn } from 'drizzle-orm/pg-core'
import { encodePageCursor, olderThanCursor } from '../db/page-cursor.js'
import { escalationFirings, escalationRules, tickets } from '../db/schema.js'
import type { Tx } from '../tickets/ticket-repository.js'

const DEFAULT_PAGE = 50

/** What narrows the perspective: the ticket's inbox and assignee, the firing's level and rule. */
export interface PerspectiveFilter {
  inboxId?: string | undefined
  level?: number | undefined
  ruleId?: string | undefined
  /** A member's id, or `none` for unassigned tickets. */
  assignee?: string | undefined
  ticketIds?: readonly string[] | undefined
}

export function filterOf(query: PerspectiveQuery): PerspectiveFilter {
  return {
    inboxId: query.inboxId,
    level: query.level ? Number(query.level) : undefined,
    ruleId: query.ruleId,
    assignee: query.assignee,
    ticketIds: query.ticketId ? [query.ticketId] : undefined,
  }
}

const later = alias(escalationFirings, 'later')

/**
 * The tickets that received an escalation, newest firing first, each once, with its latest
 * firing among those the filters select (SPEC §8.3). A ticket is one row however often it
 * fired; the rule and level filters pick which of its firings it is shown with.
 */
export async function listPerspective(
  db: Tx,
  spaceId: string,
  filter: PerspectiveFilter,
  page: { cursor?: string | undefined; limit?: number | undefined } = {},
): Promise<PerspectiveResponse> {
  const firingFilters = (f: { ruleId: PgColumn; level: PgColumn }): SQL[] => [
    ...(filter.ruleId ? [eq(f.ruleId, filter.ruleId)] : []),
    ...(filter.level !== undefined ? [eq(f.level, filter.level)] : []),
  ]
  const where: SQL[] = [eq(escalationFirings.spaceId, spaceId), ...firingFilters(escalationFirings)]
  if (filter.inboxId) where.push(eq(tickets.inboxId, filter.inboxId))
  if (filter.assignee === 'none') where.push(isNull(tickets.assignedToUserId))
  else if (filter.assignee) where.push(eq(tickets.assignedToUserId, filter.assignee))
  if (filter.ticketIds) where.push(inArray(escalationFirings.ticketId, [...filter.ticketIds]))
  // the latest of the ticket's selected firings: none of them is later
  where.push(
    notExists(
      db
        .select({ id: later.id })
        .from(later)
        .where(
          and(
            eq(later.ticketId, escalationFirings.ticketId),
            ...firingFilters(later),
            or(
              gt(later.escalatedAt, escalationFirings.escalatedAt),
              and(
                eq(later.escalatedAt, escalationFirings.escalatedAt),
                gt(later.id, escalationFirings.id),
              ),
            ),
          ),
        ),
    ),
  )
  if (page.cursor) {
    const before = olderThanCursor(escalationFirings.escalatedAt, escalationFirings.id, page.cursor)
    if (before) where.push(before)
  }
  const limit = page.limit ?? DEFAULT_PAGE
  const rows = await db
    .select({
      firing: escalationFirings,
      ticket: {
        id: tickets.id,
        inboxId: tickets.inboxId,
        subject: tickets.subject,
        customerName: tickets.customerName,
        priority: tickets.priority,
        status: tickets.status,
        assignedToUserId: tickets.assignedToUserId,
        escalationLevel: tickets.escalationLevel,
        escalationCount: tickets.escalationCount,
        escalationHistory: tickets.escalationHistory,
      },
      ruleName: escalationRules.definition,
    })
    .from(escalationFirings)
    .innerJoin(tickets, eq(tickets.id, escalationFirings.ticketId))
    .leftJoin(escalationRules, eq(escalationRules.id, escalationFirings.ruleId))
    .where(and(...where))
    .orderBy(desc(escalationFirings.escalatedAt), desc(escalationFirings.id))
    .limit(limit + 1)
  const shown = rows.slice(0, limit)
  const last = shown.at(-1)
  return {
    items: shown.map(({ firing, ticket, ruleName: rule }): PerspectiveItem => {
      const at = firing.escalatedAt.toISOString()
      // the history keeps what the firing said at the time: the rule's name then, the reason
      const entry = ticket.escalationHistory.find(
        (e) => e.ruleId === firing.ruleId && e.escalatedAt === at,
      )
      const address =
        entry?.escalationType === 'email' || entry?.escalationType === 'phone'
          ? entry.escalatedTo
          : null
      return {
        firingId: firing.id,
        ticket: {
          id: ticket.id,
          inboxId: ticket.inboxId,
          subject: ticket.subject,
          customerName: ticket.customerName,
          priority: ticket.priority,
          status: ticket.status,
          assignedToUserId: ticket.assignedToUserId,
          escalationLevel: ticket.escalationLevel,
          escalationCount: ticket.escalationCount,
        },
        ruleId: firing.ruleId,
        ruleName: entry?.ruleName ?? rule?.name ?? 'A deleted rule',
        level: firing.level,
        reason: entry?.reason ?? '',
        escalatedAt: at,
        notifiedUserIds: firing.targetUserIds,
        notifiedAddress: address ?? null,
        acknowledgedBy: firing.acknowledgedBy,
        acknowledgedAt: firing.acknowledgedAt ? firing.acknowledgedAt.toISOString() : null,
      }
    }),
    nextCursor:
      rows.length > limit && last
        ? encodePageCursor({ createdAt: last.firing.escalatedAt, id: last.firing.id })
        : null,
  }
}
