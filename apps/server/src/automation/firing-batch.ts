import { randomUUID } from 'node:crypto'
import type { EscalationHistoryEntryDto, UserPreferences } from '@flare/protocol'
import {
  businessMinutesBetween,
  DEFAULT_NOTE_TEMPLATE,
  evaluateTicket,
  recordFiring,
  renderTemplate,
  type TicketSnapshot,
} from '@flare/rules'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import {
  escalationFirings,
  groupMembers,
  groups,
  inboxAdmins,
  memberships,
  notificationOutbox,
  rotations,
  ticketMessages,
  users,
} from '../db/schema.js'
import { createOutboxPlanner } from '../notifications/channels/index.js'
import { notifyOutbox } from '../notifications/outbox-signal.js'
import { calendarOf, type Rule, type SpaceContext, snapshotOf } from '../scheduling/due-instants.js'
import type { MessageRow, TicketRow, Tx } from '../tickets/ticket-repository.js'

/** A firing as it was committed, for delivery after the transaction. */
export interface CommittedFiring {
  firingId: string
  spaceId: string
  ticket: TicketRow
  rule: Rule
  level: number
  reason: string
  escalatedAt: Date
  /** Users the firing reached in the app (`in_app` outbox rows). */
  inAppUserIds: string[]
  /** Every user the firing went to, on any channel: who may acknowledge it. */
  targetUserIds: string[]
  note: MessageRow | null
}

/** One ticket after the scheduler looked at it: its row as committed and what fired. */
export interface ProcessedTicket {
  ticket: TicketRow
  firings: CommittedFiring[]
}

interface Targets {
  userIds: string[]
  addresses: Array<{ kind: 'email' | 'phone'; value: string }>
  /** Who the history says it went to. */
  escalatedTo: string | null
  /** `{escalation_target}` in the note; null = the users' names. */
  label: string | null
}

/**
 * What a batch of firings looks up, each thing once per batch: a wave of tickets in one inbox
 * costs one query for its admins, not one per ticket.
 */
class Lookups {
  private readonly admins = new Map<string, Promise<string[]>>()
  private readonly managers = new Map<string, Promise<string | null>>()
  private readonly teams = new Map<string, Promise<{ ids: string[]; name: string }>>()
  private readonly people = new Map<string, { name: string; preferences: UserPreferences }>()

  constructor(private readonly tx: Tx) {}

  inboxAdmins(inboxId: string): Promise<string[]> {
    let found = this.admins.get(inboxId)
    if (!found) {
      found = this.tx
        .select({ userId: inboxAdmins.userId })
        .from(inboxAdmins)
        .where(eq(inboxAdmins.inboxId, inboxId))
        .orderBy(asc(inboxAdmins.userId))
        .then((rows) => rows.map((r) => r.userId))
      this.admins.set(inboxId, found)
    }
    return found
  }

  managerOf(spaceId: string, userId: string): Promise<string | null> {
    let found = this.managers.get(`${spaceId}:${userId}`)
    if (!found) {
      found = this.tx
        .select({ managerUserId: memberships.managerUserId })
        .from(memberships)
        .where(and(eq(memberships.spaceId, spaceId), eq(memberships.userId, userId)))
        .then(([row]) => row?.managerUserId ?? null)
      this.managers.set(`${spaceId}:${userId}`, found)
    }
    return found
  }

  team(spaceId: string, teamId: string): Promise<{ ids: string[]; name: string }> {
    let found = this.teams.get(teamId)
    if (!found) {
      found = (async () => {
        const [group] = await this.tx
          .select({ name: groups.name })
          .from(groups)
          .where(and(eq(groups.id, teamId), eq(groups.spaceId, spaceId)))
        if (!group) return { ids: [], name: 'a deleted team' }
        const rows = await this.tx
          .select({ userId: groupMembers.userId })
          .from(groupMembers)
          .where(eq(groupMembers.groupId, teamId))
          .orderBy(asc(groupMembers.userId))
        return { ids: rows.map((r) => r.userId), name: group.name }
      })()
      this.teams.set(teamId, found)
    }
    return found
  }

  async users(ids: string[]): Promise<Map<string, { name: string; preferences: UserPreferences }>> {
    const missing = ids.filter((id) => !this.people.has(id))
    if (missing.length > 0) {
      const rows = await this.tx
        .select({ id: users.id, name: users.displayName, preferences: users.preferences })
        .from(users)
        .where(inArray(users.id, missing))
      for (const row of rows) this.people.set(row.id, row)
    }
    return this.people
  }
}

/** SPEC §6.1's targets, resolved at the moment of firing; a rotation moves on by one. */
async function resolveTargets(
  tx: Tx,
  lookups: Lookups,
  ticket: TicketRow,
  rule: Rule,
): Promise<Targets> {
  const people = (userIds: string[], escalatedTo: string | null): Targets => ({
    userIds: [...new Set(userIds)],
    addresses: [],
    escalatedTo,
    label: null,
  })
  const admins = async (): Promise<Targets> => {
    const ids = await lookups.inboxAdmins(ticket.inboxId)
    return people(ids, ids[0] ?? null)
  }
  switch (rule.escalateTo) {
    case 'assigned':
      return ticket.assignedToUserId
        ? people([ticket.assignedToUserId], ticket.assignedToUserId)
        : admins()
    case 'manager': {
      if (!ticket.assignedToUserId) return admins()
      const manager = await lookups.managerOf(ticket.spaceId, ticket.assignedToUserId)
      return manager ? people([manager], manager) : admins()
    }
    case 'team': {
      const teamId = rule.escalateToTeamId ?? ''
      const team = await lookups.team(ticket.spaceId, teamId)
      return { ...people(team.ids, teamId), label: team.name }
    }
    case 'specific_user':
      return people(rule.escalateToUserId ? [rule.escalateToUserId] : [], rule.escalateToUserId)
    case 'rotation': {
      // one step per firing, in the firing's transaction: a rolled-back firing moves nothing
      const [row] = await tx
        .update(rotations)
        .set({
          nextIndex: sql`(${rotations.nextIndex} % jsonb_array_length(${rotations.memberIds}) + 1) % jsonb_array_length(${rotations.memberIds})`,
        })
        .where(
          and(
            eq(rotations.id, rule.escalateToRotationId ?? ''),
            eq(rotations.spaceId, ticket.spaceId),
          ),
        )
        .returning({ memberIds: rotations.memberIds, nextIndex: rotations.nextIndex })
      if (!row || row.memberIds.length === 0) return people([], null)
      const length = row.memberIds.length
      const picked = row.memberIds[(row.nextIndex - 1 + length) % length]!
      return people([picked], picked)
    }
    case 'email':
      return {
        userIds: [],
        addresses: rule.recipientEmail ? [{ kind: 'email', value: rule.recipientEmail }] : [],
        escalatedTo: rule.recipientEmail,
        label: rule.recipientEmail ?? '',
      }
    case 'phone':
      return {
        userIds: [],
        addresses: rule.recipientPhone ? [{ kind: 'phone', value: rule.recipientPhone }] : [],
        escalatedTo: rule.recipientPhone,
        label: rule.recipientPhone ?? '',
      }
  }
}

function periodStartOf(ticket: TicketSnapshot, rule: Rule): Date | null {
  return rule.clock === 'age' ? ticket.openSince : ticket.waitingSince
}

/** Rows of one batch, written together when the batch is done. */
interface Pending {
  firings: Array<typeof escalationFirings.$inferInsert>
  outbox: Array<typeof notificationOutbox.$inferInsert>
  notes: Array<typeof ticketMessages.$inferInsert & { id: string; firingId: string }>
  tickets: Array<{ row: TicketRow; updated: TicketRow }>
  committed: CommittedFiring[]
}

/**
 * Fires what is due on a batch of locked tickets at `now`, one firing per call of the engine
 * (several chains may be due at once), and stores each ticket's history, level and next due
 * instant; the firings, outbox rows and notes of the whole batch go in with a few statements.
 * All in the caller's transaction.
 */
export async function fireBatch(
  tx: Tx,
  rows: readonly TicketRow[],
  contextOf: (spaceId: string) => Promise<SpaceContext>,
  now: Date,
  maxFiringsPerTicket: number,
): Promise<ProcessedTicket[]> {
  const lookups = new Lookups(tx)
  const planner = createOutboxPlanner(tx)
  const pending: Pending = { firings: [], outbox: [], notes: [], tickets: [], committed: [] }
  const byTicket = new Map<string, CommittedFiring[]>()
  for (const row of rows) {
    const context = await contextOf(row.spaceId)
    const calendar = calendarOf(context, row.inboxId)
    let snapshot = snapshotOf(row)
    let evaluation = evaluateTicket(snapshot, context.rules, calendar, now)
    const entries: EscalationHistoryEntryDto[] = []
    const firings: CommittedFiring[] = []
    while (evaluation.fire && firings.length < maxFiringsPerTicket) {
      const rule = evaluation.fire
      const level = snapshot.escalationLevel + 1
      const start = periodStartOf(snapshot, rule) ?? now
      const minutes = Math.floor(
        businessMinutesBetween(rule.businessHoursOnly ? calendar : null, start, now),
      )
      const unit = rule.businessHoursOnly ? 'business minutes' : 'minutes'
      const reason =
        rule.clock === 'age'
          ? `Open for ${minutes} ${unit} (rule "${rule.name}")`
          : `Customer waiting ${minutes} ${unit} without a reply (rule "${rule.name}")`
      const targets = await resolveTargets(tx, lookups, row, rule)
      const people = await lookups.users(targets.userIds)
      const firingId = randomUUID()
      pending.firings.push({
        id: firingId,
        spaceId: row.spaceId,
        ticketId: row.id,
        ruleId: rule.id,
        level,
        escalatedAt: now,
        targetUserIds: targets.userIds,
      })
      const outbox = await planner.rowsFor({
        spaceId: row.spaceId,
        channels: rule.notificationChannels,
        action: rule.action,
        userIds: targets.userIds,
        addresses: targets.addresses,
        people,
      })
      for (const out of outbox) {
        pending.outbox.push({
          spaceId: row.spaceId,
          firingId,
          ticketId: row.id,
          target: out.target,
          channel: out.channel,
          idempotencyKey: `${firingId}:${out.target}:${out.channel}`,
          createdAt: now,
          updatedAt: now,
          queuedAt: now,
          nextAttemptAt: now,
        })
      }
      if (rule.addInternalNote) {
        const label =
          targets.label ??
          (targets.userIds.length === 0
            ? 'nobody'
            : targets.userIds.map((id) => people.get(id)?.name ?? 'a former member').join(', '))
        pending.notes.push({
          // ids chosen here, so each stored note finds its firing again
          id: randomUUID(),
          firingId,
          ticketId: row.id,
          inboxId: row.inboxId,
          authorKind: 'system',
          internal: true,
          createdAt: now,
          body: renderTemplate(rule.internalNoteTemplate || DEFAULT_NOTE_TEMPLATE, {
            escalation_target: label,
            minutes,
            priority: row.priority,
            rule_name: rule.name,
            ticket_id: row.id,
            subject: row.subject,
            level,
          }),
        })
      }
      firings.push({
        firingId,
        spaceId: row.spaceId,
        ticket: row,
        rule,
        level,
        reason,
        escalatedAt: now,
        inAppUserIds: rule.notificationChannels.includes('in_app') ? targets.userIds : [],
        targetUserIds: targets.userIds,
        note: null,
      })
      entries.push({
        escalatedAt: now.toISOString(),
        ruleId: rule.id,
        ruleName: rule.name,
        escalatedFrom: row.assignedToUserId,
        escalatedTo: targets.escalatedTo,
        escalationType: rule.escalateTo,
        reason,
        level,
      })
      snapshot = recordFiring(snapshot, rule, now)
      evaluation = evaluateTicket(snapshot, context.rules, calendar, now)
    }
    // never leave a ticket due at `now`: that would claim it again and again
    const nextDueAt = evaluation.fire ? new Date(now.getTime() + 1000) : evaluation.nextDueAt
    const updated: TicketRow =
      firings.length > 0
        ? {
            ...row,
            nextDueAt,
            escalationLevel: snapshot.escalationLevel,
            lastEscalatedAt: now,
            escalationHistory: [...row.escalationHistory, ...entries],
            updatedAt: now,
          }
        : { ...row, nextDueAt }
    for (const firing of firings) firing.ticket = updated
    pending.tickets.push({ row, updated })
    byTicket.set(row.id, firings)
  }
  await writePending(tx, pending, byTicket)
  return pending.tickets.map(({ updated }) => ({
    ticket: updated,
    firings: byTicket.get(updated.id) ?? [],
  }))
}

// PostgreSQL takes at most 65,535 parameters a statement
const INSERT_CHUNK = 1000

async function writePending(
  tx: Tx,
  pending: Pending,
  byTicket: Map<string, CommittedFiring[]>,
): Promise<void> {
  for (let i = 0; i < pending.firings.length; i += INSERT_CHUNK) {
    await tx.insert(escalationFirings).values(pending.firings.slice(i, i + INSERT_CHUNK))
  }
  for (let i = 0; i < pending.outbox.length; i += INSERT_CHUNK) {
    await tx
      .insert(notificationOutbox)
      .values(pending.outbox.slice(i, i + INSERT_CHUNK))
      .onConflictDoNothing()
  }
  // delivered at commit: every process's delivery worker wakes for the new rows
  if (pending.outbox.length > 0) await notifyOutbox(tx)
  for (let i = 0; i < pending.notes.length; i += INSERT_CHUNK) {
    const chunk = pending.notes.slice(i, i + INSERT_CHUNK)
    const stored = await tx
      .insert(ticketMessages)
      .values(chunk.map(({ firingId: _firingId, ...note }) => note))
      .returning()
    const firingOfNote = new Map(chunk.map((note) => [note.id, note.firingId]))
    for (const note of stored) {
      const firingId = firingOfNote.get(note.id)
      for (const firing of byTicket.get(note.ticketId) ?? []) {
        if (firing.firingId === firingId) firing.note = note
      }
    }
  }
  const changed = pending.tickets
  for (let i = 0; i < changed.length; i += INSERT_CHUNK) {
    const values = sql.join(
      changed
        .slice(i, i + INSERT_CHUNK)
        .map(
          ({ updated: u }) =>
            sql`(${u.id}::uuid, ${u.nextDueAt ? u.nextDueAt.toISOString() : null}::timestamptz, ${u.escalationLevel}::int, ${u.lastEscalatedAt ? u.lastEscalatedAt.toISOString() : null}::timestamptz, ${JSON.stringify(u.escalationHistory)}::jsonb, ${u.updatedAt.toISOString()}::timestamptz)`,
        ),
      sql`, `,
    )
    await tx.execute(sql`
      update tickets set next_due_at = v.next, escalation_level = v.level,
        last_escalated_at = v.last, escalation_history = v.history, updated_at = v.updated
      from (values ${values}) as v(id, next, level, last, history, updated)
      where tickets.id = v.id`)
  }
}
