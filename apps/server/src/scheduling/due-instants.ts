import type { BusinessCalendar, EscalationRuleFields } from '@flare/protocol'
import { evaluateTicket, type TicketSnapshot } from '@flare/rules'
import { asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { dueRecomputes, escalationRules, inboxes, spaces, type tickets } from '../db/schema.js'
import { signalTimer } from './signals.js'

/**
 * Each open ticket's next due instant (`tickets.next_due_at`, SPEC §6.4), computed by the pure
 * engine from the ticket, the space's rules and its calendars. Everything that changes a
 * ticket (the ticket service, a firing, the background recompute) computes it here, in the
 * transaction that changes the ticket, so no committed ticket carries a stale instant.
 *
 * This module depends on the database schema and the engine only: `tickets/` and
 * `automation/` both import it, and it imports neither (docs/decisions/0003).
 */

type TicketRow = typeof tickets.$inferSelect
type Tx = Pick<Db, 'select' | 'execute'>

/** The timer that fires due tickets; its name is also its wake-up signal. */
export const ESCALATION_TIMER = 'escalations'
/** The timer that works through requested recomputes. */
export const RECOMPUTE_TIMER = 'recompute'

export type Rule = EscalationRuleFields & { id: string }

/** What one space's tickets are evaluated against. */
export interface SpaceContext {
  rules: Rule[]
  space: BusinessCalendar
  inboxes: Map<string, BusinessCalendar>
}

/** SPEC §5's default when a space has no calendar of its own: Mon–Fri 09:00–17:00, local. */
export function defaultCalendar(timezone: string): BusinessCalendar {
  return {
    mode: 'same',
    timezone,
    workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
    start: '09:00',
    end: '17:00',
    holidays: [],
  }
}

/** The rules that can fire, as the engine reads them: enabled ones, with their ids. */
export function evaluableRules(
  rows: ReadonlyArray<{ id: string; definition: EscalationRuleFields }>,
): Rule[] {
  return rows.filter((r) => r.definition.enabled).map((r) => ({ id: r.id, ...r.definition }))
}

/** The space's calendar (its own or the default) and each inbox's own, if any. */
export async function calendarsOf(
  db: Tx,
  spaceId: string,
): Promise<{ space: BusinessCalendar; inboxes: Map<string, BusinessCalendar> }> {
  const [space] = await db
    .select({ timezone: spaces.timezone, calendar: spaces.calendar })
    .from(spaces)
    .where(eq(spaces.id, spaceId))
  const rows = await db
    .select({ id: inboxes.id, calendar: inboxes.calendar })
    .from(inboxes)
    .where(eq(inboxes.spaceId, spaceId))
  const byInbox = new Map<string, BusinessCalendar>()
  for (const row of rows) if (row.calendar) byInbox.set(row.id, row.calendar)
  return {
    space: space?.calendar ?? defaultCalendar(space?.timezone ?? 'UTC'),
    inboxes: byInbox,
  }
}

/**
 * The space's rules and calendars, read in the caller's transaction: a change committed
 * before it began is seen, so what is computed with it is not stale.
 */
export async function loadSpaceContext(db: Tx, spaceId: string): Promise<SpaceContext> {
  const [rows, calendars] = await Promise.all([
    db
      .select({ id: escalationRules.id, definition: escalationRules.definition })
      .from(escalationRules)
      .where(eq(escalationRules.spaceId, spaceId))
      .orderBy(asc(escalationRules.createdAt), asc(escalationRules.id)),
    calendarsOf(db, spaceId),
  ])
  return { rules: evaluableRules(rows), space: calendars.space, inboxes: calendars.inboxes }
}

export function calendarOf(context: SpaceContext, inboxId: string): BusinessCalendar {
  return context.inboxes.get(inboxId) ?? context.space
}

export function snapshotOf(row: TicketRow): TicketSnapshot {
  return {
    id: row.id,
    inboxId: row.inboxId,
    status: row.status,
    priority: row.priority,
    categoryId: row.category,
    assignedToUserId: row.assignedToUserId,
    escalationLevel: row.escalationLevel,
    slaStatus: null,
    customerTags: [],
    createdAt: row.createdAt,
    openSince: row.openSince,
    waitingSince: row.waitingSince,
    escalationHistory: row.escalationHistory.map((entry) => ({
      ...entry,
      escalatedAt: new Date(entry.escalatedAt),
    })),
  }
}

/** When the scheduler must next look at the ticket: `now` when something is due already. */
export function nextDueOf(row: TicketRow, context: SpaceContext, now: Date): Date | null {
  const evaluation = evaluateTicket(
    snapshotOf(row),
    context.rules,
    calendarOf(context, row.inboxId),
    now,
  )
  return evaluation.fire ? now : evaluation.nextDueAt
}

function sameInstant(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null)
}

/** Loads each space's context once per caller (a transaction, a batch). */
export function contextCache(db: Tx): (spaceId: string) => Promise<SpaceContext> {
  const contexts = new Map<string, Promise<SpaceContext>>()
  return (spaceId) => {
    let context = contexts.get(spaceId)
    if (!context) {
      context = loadSpaceContext(db, spaceId)
      contexts.set(spaceId, context)
    }
    return context
  }
}

// PostgreSQL takes at most 65,535 parameters a statement
const UPDATE_CHUNK = 1000

/**
 * Computes and stores the next due instant of tickets the caller's transaction has just
 * written (and so holds locked), and signals the escalation timer of every process for the
 * soonest, at commit. Answers the rows as stored.
 */
export async function storeDueInstants(
  tx: Tx,
  rows: readonly TicketRow[],
  now: Date,
  contextOf: (spaceId: string) => Promise<SpaceContext> = contextCache(tx),
): Promise<{ rows: TicketRow[]; soonest: Date | null }> {
  const stored: TicketRow[] = []
  const changed: Array<{ id: string; next: Date | null }> = []
  let soonest: Date | null = null
  for (const row of rows) {
    const next = nextDueOf(row, await contextOf(row.spaceId), now)
    if (!sameInstant(next, row.nextDueAt)) changed.push({ id: row.id, next })
    if (next && (!soonest || next < soonest)) soonest = next
    stored.push({ ...row, nextDueAt: next })
  }
  for (let i = 0; i < changed.length; i += UPDATE_CHUNK) {
    const values = sql.join(
      changed
        .slice(i, i + UPDATE_CHUNK)
        .map((c) => sql`(${c.id}::uuid, ${c.next ? c.next.toISOString() : null}::timestamptz)`),
      sql`, `,
    )
    await tx.execute(
      sql`update tickets set next_due_at = v.next from (values ${values}) as v(id, next) where tickets.id = v.id`,
    )
  }
  if (soonest) await signalTimer(tx, ESCALATION_TIMER, soonest)
  return { rows: stored, soonest }
}

/**
 * Inside the transaction of a rule or calendar change: asks for every open ticket of the
 * space to be recomputed in the background. Durable with the change itself, so a process that
 * dies right after committing loses nothing: any process picks the request up.
 */
export async function requestRecompute(tx: Tx, spaceId: string, at: Date): Promise<void> {
  await tx.execute(sql`
    insert into ${dueRecomputes} (space_id, generation, requested_at)
    values (${spaceId}::uuid, 1, ${at.toISOString()}::timestamptz)
    on conflict (space_id) do update
      set generation = ${dueRecomputes}.generation + 1, requested_at = excluded.requested_at`)
  await signalTimer(tx, RECOMPUTE_TIMER)
}
