import {
  type BusinessCalendar,
  type EscalationRuleFields,
  type SlaPolicyFields,
  TRIGGER_KINDS,
} from '@flare/protocol'
import {
  computeSla,
  evaluateTicket,
  findSlaPolicy,
  type SlaEvaluation,
  type TicketSnapshot,
} from '@flare/rules'
import { asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import {
  dueRecomputes,
  escalationRules,
  inboxes,
  slaPolicies,
  spaces,
  type tickets,
} from '../db/schema.js'
import { signalTimer } from './signals.js'

/**
 * Each open ticket's next due instant (`tickets.next_due_at`, SPEC §6.4), computed by the pure
 * engine from the ticket, the space's rules, its SLA policies and its calendars; with it the
 * ticket's SLA (`sla_status`, `sla_due_at`, `first_response_time`, SPEC §8.1), whose next
 * transition is folded into the due instant so the scheduler wakes for it. Everything that changes a
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
  slaPolicies: SlaPolicyFields[]
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

/**
 * Where an instant trigger goes when no rule with a `trigger` condition matches it (SPEC
 * §11.1.6): the ticket's assignee, else the inbox admins, in the app and by email (to those
 * whose email notifications are on), in the default chain, so its firing answers for the timed
 * rules due with it. Not stored: every space has it, and it never fires by its clock.
 */
export const DEFAULT_TRIGGER_RULE: Rule = {
  id: '00000000-0000-4000-8000-0000000011a1',
  name: 'Instant trigger (inbox default)',
  description: 'A trigger no rule routes goes to the assignee, else the inbox admins.',
  enabled: true,
  inboxId: null,
  priority: 'all',
  chain: 'default',
  conditions: [{ field: 'trigger', operator: 'in', value: [...TRIGGER_KINDS] }],
  clock: 'waiting',
  escalateAfterMinutes: 1,
  repeatEveryMinutes: null,
  businessHoursOnly: false,
  escalateTo: 'assigned',
  escalateToTeamId: null,
  escalateToUserId: null,
  escalateToRotationId: null,
  recipientEmail: null,
  recipientPhone: null,
  notificationChannels: ['in_app', 'email'],
  action: 'notify',
  addInternalNote: false,
  internalNoteTemplate: null,
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
  const [rows, calendars, policies] = await Promise.all([
    db
      .select({ id: escalationRules.id, definition: escalationRules.definition })
      .from(escalationRules)
      .where(eq(escalationRules.spaceId, spaceId))
      .orderBy(asc(escalationRules.createdAt), asc(escalationRules.id)),
    calendarsOf(db, spaceId),
    db
      .select({
        inboxId: slaPolicies.inboxId,
        priority: slaPolicies.priority,
        firstResponseMinutes: slaPolicies.firstResponseMinutes,
        resolutionMinutes: slaPolicies.resolutionMinutes,
        businessHours: slaPolicies.businessHours,
        atRiskPercent: slaPolicies.atRiskPercent,
      })
      .from(slaPolicies)
      .where(eq(slaPolicies.spaceId, spaceId)),
  ])
  return {
    rules: [...evaluableRules(rows), DEFAULT_TRIGGER_RULE],
    space: calendars.space,
    inboxes: calendars.inboxes,
    slaPolicies: policies,
  }
}

export function calendarOf(context: SpaceContext, inboxId: string): BusinessCalendar {
  return context.inboxes.get(inboxId) ?? context.space
}

/** The ticket's SLA at `now`: its policy (the inbox's own, else the space's) on its calendar. */
export function slaOf(row: TicketRow, context: SpaceContext, now: Date): SlaEvaluation {
  return computeSla(
    row,
    findSlaPolicy(context.slaPolicies, row),
    calendarOf(context, row.inboxId),
    now,
  )
}

/** What the engine reads of a ticket; `sla` fills its SLA fields (null without one). */
export function snapshotOf(
  row: TicketRow,
  sla: Pick<SlaEvaluation, 'status' | 'firstResponseTime'> | null = null,
): TicketSnapshot {
  return {
    id: row.id,
    inboxId: row.inboxId,
    status: row.status,
    priority: row.priority,
    categoryId: row.category,
    assignedToUserId: row.assignedToUserId,
    escalationLevel: row.escalationLevel,
    slaStatus: sla?.status ?? null,
    firstResponseTime: sla?.firstResponseTime ?? null,
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

/** The earlier of two instants, either of which may be missing. */
export function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b
  if (b === null) return a
  return a.getTime() <= b.getTime() ? a : b
}

/** The columns `storeDueInstants` keeps: the due instant and the SLA as of now. */
export type DueState = Pick<TicketRow, 'nextDueAt' | 'slaStatus' | 'slaDueAt' | 'firstResponseTime'>

/** The ticket's SLA columns for an evaluation. */
export function slaColumnsOf(sla: SlaEvaluation): Omit<DueState, 'nextDueAt'> {
  return { slaStatus: sla.status, slaDueAt: sla.dueAt, firstResponseTime: sla.firstResponseTime }
}

/**
 * What a change to the ticket leaves: when the scheduler must next look at it (`now` when
 * something is due already, else the earlier of the next rule due instant and the next SLA
 * transition) and its SLA now. A change that puts the ticket at risk makes it due at once,
 * so the scheduler sends the warning it may owe (a priority raised late, a new policy).
 */
export function dueStateOf(row: TicketRow, context: SpaceContext, now: Date): DueState {
  const sla = slaOf(row, context, now)
  const evaluation = evaluateTicket(
    snapshotOf(row, sla),
    context.rules,
    calendarOf(context, row.inboxId),
    now,
  )
  const becameAtRisk = sla.status === 'at_risk' && row.slaStatus !== 'at_risk'
  // an instant trigger fires at once, through the scheduler like every firing (SPEC §11.1.5)
  const triggered = row.pendingTriggers.length > 0 && row.status === 'open'
  const nextDueAt =
    evaluation.fire || becameAtRisk || triggered
      ? now
      : earliest(evaluation.nextDueAt, sla.nextChangeAt)
  return { nextDueAt, ...slaColumnsOf(sla) }
}

/** When the scheduler must next look at the ticket: `now` when something is due already. */
export function nextDueOf(row: TicketRow, context: SpaceContext, now: Date): Date | null {
  return dueStateOf(row, context, now).nextDueAt
}

function sameInstant(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null)
}

function sameDueState(a: DueState, b: DueState): boolean {
  return (
    sameInstant(a.nextDueAt, b.nextDueAt) &&
    a.slaStatus === b.slaStatus &&
    sameInstant(a.slaDueAt, b.slaDueAt) &&
    a.firstResponseTime === b.firstResponseTime
  )
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
  const changed: Array<{ id: string; state: DueState }> = []
  let soonest: Date | null = null
  for (const row of rows) {
    const state = dueStateOf(row, await contextOf(row.spaceId), now)
    if (!sameDueState(state, row)) changed.push({ id: row.id, state })
    const next = state.nextDueAt
    if (next && (!soonest || next < soonest)) soonest = next
    stored.push({ ...row, ...state })
  }
  const iso = (d: Date | null) => (d ? d.toISOString() : null)
  for (let i = 0; i < changed.length; i += UPDATE_CHUNK) {
    const values = sql.join(
      changed
        .slice(i, i + UPDATE_CHUNK)
        .map(
          ({ id, state: s }) =>
            sql`(${id}::uuid, ${iso(s.nextDueAt)}::timestamptz, ${s.slaStatus}::text, ${iso(s.slaDueAt)}::timestamptz, ${s.firstResponseTime}::double precision)`,
        ),
      sql`, `,
    )
    await tx.execute(sql`
      update tickets set next_due_at = v.next, sla_status = v.sla, sla_due_at = v.sla_due,
        first_response_time = v.first_response
      from (values ${values}) as v(id, next, sla, sla_due, first_response)
      where tickets.id = v.id`)
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
