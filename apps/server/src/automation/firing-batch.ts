import { randomUUID } from 'node:crypto'
import type {
  EscalationHistoryEntryDto,
  SlaMetric,
  TriggerFactsDto,
  UserPreferences,
} from '@flare/protocol'
import {
  businessMinutesBetween,
  DEFAULT_NOTE_TEMPLATE,
  DEFAULT_TRIGGER_NOTE_TEMPLATE,
  type Evaluation,
  evaluateTicket,
  type FiringCause,
  recordFiring,
  renderTemplate,
  type SlaTargetState,
  selectTriggerRules,
  type TicketSnapshot,
  transcriptExcerpt,
  triggerFiredInPeriod,
} from '@flare/rules'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import {
  escalationFirings,
  groupMembers,
  groups,
  inboxAdmins,
  memberships,
  notificationOutbox,
  type PendingTrigger,
  rotations,
  slaWarnings,
  ticketMessages,
  users,
} from '../db/schema.js'
import { createOutboxPlanner } from '../notifications/channels/index.js'
import { notifyOutbox } from '../notifications/outbox-signal.js'
import {
  calendarOf,
  DEFAULT_TRIGGER_RULE,
  earliest,
  type Rule,
  type SpaceContext,
  slaColumnsOf,
  slaOf,
  snapshotOf,
} from '../scheduling/due-instants.js'
import type { MessageRow, TicketRow, Tx } from '../tickets/ticket-repository.js'
import { loadTranscripts, type Transcript } from './transcripts.js'

/** A firing as it was committed, for delivery after the transaction. */
export interface CommittedFiring {
  firingId: string
  spaceId: string
  ticket: TicketRow
  rule: Rule
  /** The rule's chain: what "I'm on it" for this firing silences (SPEC §11.2). */
  chain: string
  /** Set when it fired because the level before went unacknowledged (SPEC §11.2.3). */
  cause: FiringCause | null
  level: number
  reason: string
  escalatedAt: Date
  /** Users the firing reached in the app (`in_app` outbox rows). */
  inAppUserIds: string[]
  /** Every user the firing went to, on any channel: who may acknowledge it. */
  targetUserIds: string[]
  note: MessageRow | null
  /** The instant trigger that set it off (SPEC §11.1); null for a timed firing. */
  trigger: TriggerFactsDto | null
  /** The end of the ticket's conversation, for the pop-up (SPEC §11.1.7). */
  transcript: Transcript | null
}

/** A pre-breach warning as it was committed (SPEC §8.1), for delivery after the transaction. */
export interface CommittedSlaWarning {
  warningId: string
  spaceId: string
  ticket: TicketRow
  metric: SlaMetric
  /** When the ticket became at risk, and when the target is breached. */
  at: Date
  dueAt: Date
  /** The assignee, or the inbox's admins when unassigned: staff only. */
  targetUserIds: string[]
}

/** One ticket after the scheduler looked at it: its row as committed and what happened. */
export interface ProcessedTicket {
  ticket: TicketRow
  firings: CommittedFiring[]
  warnings: CommittedSlaWarning[]
  /** Its SLA status moved since it was last stored: the space must hear of it. */
  slaChanged: boolean
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
  private readonly members = new Map<string, Promise<ReadonlySet<string>>>()

  constructor(private readonly tx: Tx) {}

  /** The inbox's admins who are members of its space now. */
  async memberAdmins(spaceId: string, inboxId: string): Promise<string[]> {
    const [members, admins] = await Promise.all([
      this.memberIds(spaceId),
      this.inboxAdmins(inboxId),
    ])
    return admins.filter((id) => members.has(id))
  }

  /**
   * `userId` while a member of the ticket's space, else the ticket's inbox's admins who are
   * (null: nobody named, the admins at once).
   */
  async memberOrAdmins(ticket: TicketRow, userId: string | null): Promise<string[]> {
    if (userId && (await this.memberIds(ticket.spaceId)).has(userId)) return [userId]
    return this.memberAdmins(ticket.spaceId, ticket.inboxId)
  }

  /** Who is a member of the space now: nobody else is sent a firing. */
  memberIds(spaceId: string): Promise<ReadonlySet<string>> {
    let found = this.members.get(spaceId)
    if (!found) {
      found = this.tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(eq(memberships.spaceId, spaceId))
        .then((rows) => new Set(rows.map((r) => r.userId)))
      this.members.set(spaceId, found)
    }
    return found
  }

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

/**
 * SPEC §6.1's targets, resolved at the moment of firing; a rotation moves on by one. Only
 * current members of the space are sent anything: a person who is not one (an assignee
 * removed a moment ago) is replaced by the inbox's admins, as an unassigned ticket's.
 */
async function resolveTargets(
  tx: Tx,
  lookups: Lookups,
  ticket: TicketRow,
  rule: Rule,
): Promise<Targets> {
  const members = await lookups.memberIds(ticket.spaceId)
  const isMember = (id: string | null): id is string => id !== null && members.has(id)
  const people = (userIds: string[], escalatedTo: string | null): Targets => ({
    userIds: [...new Set(userIds.filter(isMember))],
    addresses: [],
    escalatedTo,
    label: null,
  })
  // one person, or the inbox's admins in their stead (null: nobody named)
  const person = async (id: string | null): Promise<Targets> => {
    const ids = await lookups.memberOrAdmins(ticket, id)
    return people(ids, ids[0] ?? null)
  }
  switch (rule.escalateTo) {
    case 'assigned':
      return person(ticket.assignedToUserId)
    case 'manager': {
      if (!isMember(ticket.assignedToUserId)) return person(null)
      return person(await lookups.managerOf(ticket.spaceId, ticket.assignedToUserId))
    }
    case 'team': {
      const teamId = rule.escalateToTeamId ?? ''
      const team = await lookups.team(ticket.spaceId, teamId)
      return { ...people(team.ids, teamId), label: team.name }
    }
    case 'specific_user':
      return person(rule.escalateToUserId)
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
      return person(row.memberIds[(row.nextIndex - 1 + length) % length] ?? null)
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

function minutesText(minutes: number, business: boolean): string {
  return `${minutes} ${business ? 'business ' : ''}minute${minutes === 1 ? '' : 's'}`
}

/** Why a timed firing fired, as its history entry and notifications say it (§6.3.7, §11.2.3). */
function clockReason(
  rule: Rule,
  minutes: number,
  evaluation: Pick<Evaluation<Rule>, 'cause' | 'unacknowledged'>,
  rules: readonly Rule[],
): string {
  const { cause, unacknowledged } = evaluation
  if (cause && unacknowledged) {
    const missed = rules.find((r) => r.id === unacknowledged.ruleId)
    const within = minutesText(unacknowledged.minutes, missed?.businessHoursOnly ?? false)
    const nobody = `Nobody took level ${unacknowledged.level} within ${within} (rule "${missed?.name ?? rule.name}")`
    return cause === 'fallback'
      ? `${nobody}: sent to its fallback`
      : `${nobody}: on to the next level (rule "${rule.name}")`
  }
  const waited = minutesText(minutes, rule.businessHoursOnly)
  return rule.clock === 'age'
    ? `Open for ${waited} (rule "${rule.name}")`
    : `Customer waiting ${waited} without a reply (rule "${rule.name}")`
}

/** A note of the batch, its text rendered once the batch's transcripts are loaded. */
type PendingNote = typeof ticketMessages.$inferInsert & {
  id: string
  firingId: string
  render(transcriptExcerpt: string): string
}

/** Rows of one batch, written together when the batch is done. */
interface Pending {
  firings: Array<typeof escalationFirings.$inferInsert>
  outbox: Array<typeof notificationOutbox.$inferInsert>
  notes: PendingNote[]
  tickets: Array<{ row: TicketRow; updated: TicketRow }>
  committed: CommittedFiring[]
}

/**
 * Why a firing fired: the clock (timed rules, or an acknowledgement timeout, SPEC §11.2.3, as
 * the engine said) or an instant trigger (SPEC §11.1).
 */
type Cause =
  | { kind: 'clock'; evaluation: Pick<Evaluation<Rule>, 'cause' | 'unacknowledged'> }
  | { kind: 'trigger'; trigger: PendingTrigger }

/**
 * The instant triggers of a claimed ticket that still stand: a ticket that was put on hold,
 * resolved or answered since the customer's message (the waiting period that message began
 * is over) drops them, as does a trigger of a kind that already fired this waiting period.
 */
function standingTriggers(row: TicketRow, snapshot: TicketSnapshot): PendingTrigger[] {
  if (row.status !== 'open' || row.waitingSince === null) return []
  const since = row.waitingSince.getTime()
  const kinds = new Set<string>()
  return row.pendingTriggers.filter((trigger) => {
    if (Date.parse(trigger.at) < since || kinds.has(trigger.kind)) return false
    kinds.add(trigger.kind)
    return !triggerFiredInPeriod(snapshot, trigger.kind)
  })
}

/**
 * Fires what is due on a batch of locked tickets at `now` and stores each ticket's history,
 * level and next due instant; the firings, outbox rows and notes of the whole batch go in with
 * a few statements. Instant triggers first (SPEC §11.1.5: the rules each selects, else the
 * inbox default), then the timed rules, one firing per call of the engine (several chains may
 * be due at once); a trigger's firing answers for the timed rules of its chain already due,
 * so the two never both fire at one instant. All in the caller's transaction.
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
  const warningsOf = new Map<string, CommittedSlaWarning[]>()
  for (const row of rows) {
    const context = await contextOf(row.spaceId)
    const calendar = calendarOf(context, row.inboxId)
    // the SLA now: rules condition on it, and a target that is at risk owes a warning
    const sla = slaOf(row, context, now)
    warningsOf.set(row.id, await claimSlaWarnings(tx, lookups, row, sla.targets, now))
    let snapshot = snapshotOf(row, sla)
    const entries: EscalationHistoryEntryDto[] = []
    const firings: CommittedFiring[] = []

    async function fire(rule: Rule, cause: Cause): Promise<void> {
      const level = snapshot.escalationLevel + 1
      const start =
        (cause.kind === 'trigger' ? snapshot.waitingSince : periodStartOf(snapshot, rule)) ?? now
      const minutes = Math.floor(
        businessMinutesBetween(rule.businessHoursOnly ? calendar : null, start, now),
      )
      const reason =
        cause.kind === 'trigger'
          ? `${cause.trigger.reason} (rule "${rule.name}")`
          : clockReason(rule, minutes, cause.evaluation, context.rules)
      const ackCause = cause.kind === 'clock' ? (cause.evaluation.cause ?? null) : null
      // unacknowledged at the top of its chain: the rule's fallback target instead of its own
      const aimed = ackCause === 'fallback' && rule.fallback ? { ...rule, ...rule.fallback } : rule
      const targets = await resolveTargets(tx, lookups, row, aimed)
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
        chain: rule.chain,
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
        const template =
          rule.internalNoteTemplate ||
          (cause.kind === 'trigger' ? DEFAULT_TRIGGER_NOTE_TEMPLATE : DEFAULT_NOTE_TEMPLATE)
        pending.notes.push({
          // ids chosen here, so each stored note finds its firing again
          id: randomUUID(),
          firingId,
          ticketId: row.id,
          inboxId: row.inboxId,
          authorKind: 'system',
          internal: true,
          createdAt: now,
          body: '',
          render: (excerpt) =>
            renderTemplate(template, {
              escalation_target: label,
              minutes,
              priority: row.priority,
              rule_name: rule.name,
              ticket_id: row.id,
              subject: row.subject,
              level,
              reason,
              transcript_excerpt: excerpt,
            }),
        })
      }
      firings.push({
        firingId,
        spaceId: row.spaceId,
        ticket: row,
        rule,
        chain: rule.chain,
        cause: ackCause,
        level,
        reason,
        escalatedAt: now,
        inAppUserIds: rule.notificationChannels.includes('in_app') ? targets.userIds : [],
        targetUserIds: targets.userIds,
        note: null,
        trigger:
          cause.kind === 'trigger'
            ? {
                kind: cause.trigger.kind,
                words: cause.trigger.words,
                ...(cause.trigger.score !== undefined ? { score: cause.trigger.score } : {}),
              }
            : null,
        transcript: null,
      })
      entries.push({
        escalatedAt: now.toISOString(),
        ruleId: rule.id,
        ruleName: rule.name,
        escalatedFrom: row.assignedToUserId,
        escalatedTo: targets.escalatedTo,
        escalationType: aimed.escalateTo,
        reason,
        level,
        ...(cause.kind === 'trigger' ? { trigger: cause.trigger.kind } : {}),
        ...(ackCause ? { cause: ackCause } : {}),
        firingId,
        chain: rule.chain,
        targetUserIds: targets.userIds,
      })
      snapshot = recordFiring(snapshot, rule, now, ackCause ?? undefined)
    }

    // instant triggers (SPEC §11.1.5): per chain the rule each selects, else the inbox default;
    // two triggers that go to the same rule at one instant escalate once
    const routable = context.rules.filter((rule) => rule.id !== DEFAULT_TRIGGER_RULE.id)
    const firedRules = new Set<string>()
    for (const trigger of standingTriggers(row, snapshot)) {
      const selected = selectTriggerRules(snapshot, trigger.kind, routable)
      for (const rule of selected.length > 0 ? selected : [DEFAULT_TRIGGER_RULE]) {
        if (firedRules.has(rule.id) || firings.length >= maxFiringsPerTicket) continue
        firedRules.add(rule.id)
        await fire(rule, { kind: 'trigger', trigger })
      }
    }

    let evaluation = evaluateTicket(snapshot, context.rules, calendar, now)
    while (evaluation.fire && firings.length < maxFiringsPerTicket) {
      await fire(evaluation.fire, { kind: 'clock', evaluation })
      evaluation = evaluateTicket(snapshot, context.rules, calendar, now)
    }
    // never leave a ticket due at `now`: that would claim it again and again
    const nextDueAt = evaluation.fire
      ? new Date(now.getTime() + 1000)
      : earliest(evaluation.nextDueAt, sla.nextChangeAt)
    const updated: TicketRow =
      firings.length > 0
        ? {
            ...row,
            nextDueAt,
            ...slaColumnsOf(sla),
            escalationLevel: snapshot.escalationLevel,
            lastEscalatedAt: now,
            escalationHistory: [...row.escalationHistory, ...entries],
            pendingTriggers: [],
            firstEscalatedAt: row.firstEscalatedAt ?? now,
            escalationCount: row.escalationCount + entries.length,
            updatedAt: now,
          }
        : { ...row, nextDueAt, ...slaColumnsOf(sla), pendingTriggers: [] }
    for (const warning of warningsOf.get(row.id) ?? []) warning.ticket = updated
    for (const firing of firings) firing.ticket = updated
    pending.tickets.push({ row, updated })
    byTicket.set(row.id, firings)
  }
  await withTranscripts(tx, pending, byTicket)
  await writePending(tx, pending, byTicket)
  return pending.tickets.map(({ row, updated }) => ({
    ticket: updated,
    firings: byTicket.get(updated.id) ?? [],
    warnings: warningsOf.get(updated.id) ?? [],
    slaChanged: row.slaStatus !== updated.slaStatus,
  }))
}

/**
 * The pre-breach warnings a ticket owes at `now` (SPEC §8.1): one per target that is at risk,
 * claimed by an insert the unique key refuses a second time, so each goes out once whatever
 * process or restart gets here. The in-app outbox rows go in with it.
 */
async function claimSlaWarnings(
  tx: Tx,
  lookups: Lookups,
  row: TicketRow,
  targets: readonly SlaTargetState[],
  now: Date,
): Promise<CommittedSlaWarning[]> {
  const atRisk = targets.filter((t) => t.pending && t.state === 'at_risk')
  if (atRisk.length === 0) return []
  const userIds = await lookups.memberOrAdmins(row, row.assignedToUserId)
  const claimed: CommittedSlaWarning[] = []
  for (const target of atRisk) {
    const [stored] = await tx
      .insert(slaWarnings)
      .values({
        spaceId: row.spaceId,
        ticketId: row.id,
        metric: target.metric,
        status: 'at_risk',
        at: target.atRiskAt,
        dueAt: target.dueAt,
        warnedAt: now,
        targetUserIds: userIds,
      })
      .onConflictDoNothing()
      .returning({ id: slaWarnings.id })
    if (!stored) continue
    if (userIds.length > 0) {
      await tx
        .insert(notificationOutbox)
        .values(
          userIds.map((userId) => ({
            spaceId: row.spaceId,
            event: 'ticket.sla_warning' as const,
            slaWarningId: stored.id,
            ticketId: row.id,
            target: `user:${userId}`,
            channel: 'in_app',
            idempotencyKey: `sla:${stored.id}:user:${userId}:in_app`,
            createdAt: now,
            updatedAt: now,
            queuedAt: now,
            nextAttemptAt: now,
          })),
        )
        .onConflictDoNothing()
    }
    claimed.push({
      warningId: stored.id,
      spaceId: row.spaceId,
      ticket: row,
      metric: target.metric,
      at: target.atRiskAt,
      dueAt: target.dueAt,
      targetUserIds: userIds,
    })
  }
  return claimed
}

/**
 * The end of each fired ticket's conversation, for its pop-ups and its notes' excerpt
 * (SPEC §11.1.7): one query for the batch.
 */
async function withTranscripts(
  tx: Tx,
  pending: Pending,
  byTicket: Map<string, CommittedFiring[]>,
): Promise<void> {
  const fired = [...byTicket].filter(([, firings]) => firings.length > 0).map(([id]) => id)
  const transcripts = await loadTranscripts(tx, fired)
  const excerpts = new Map<string, string>()
  for (const [ticketId, transcript] of transcripts) {
    excerpts.set(ticketId, transcriptExcerpt(transcript.lines, NOTE_EXCERPT))
    for (const firing of byTicket.get(ticketId) ?? []) firing.transcript = transcript
  }
  for (const note of pending.notes) note.body = note.render(excerpts.get(note.ticketId) ?? '')
}

// an internal note quotes a little more of the conversation than a notification
const NOTE_EXCERPT = 500

// PostgreSQL takes at most 65,535 parameters a statement
const INSERT_CHUNK = 1000

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null)

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
      .values(chunk.map(({ firingId: _firingId, render: _render, ...note }) => note))
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
            sql`(${u.id}::uuid, ${iso(u.nextDueAt)}::timestamptz, ${u.escalationLevel}::int, ${iso(u.lastEscalatedAt)}::timestamptz, ${JSON.stringify(u.escalationHistory)}::jsonb, ${u.updatedAt.toISOString()}::timestamptz, ${u.slaStatus}::text, ${iso(u.slaDueAt)}::timestamptz, ${u.firstResponseTime}::double precision)`,
        ),
      sql`, `,
    )
    // the claim holds every row locked, so no trigger can be added between read and write:
    // what was pending is answered now
    await tx.execute(sql`
      update tickets set next_due_at = v.next, escalation_level = v.level,
        last_escalated_at = v.last, escalation_history = v.history, updated_at = v.updated,
        sla_status = v.sla, sla_due_at = v.sla_due, first_response_time = v.first_response,
        pending_triggers = '[]'::jsonb,
        first_escalated_at = (v.history->0->>'escalatedAt')::timestamptz
      from (values ${values}) as v(id, next, level, last, history, updated, sla, sla_due, first_response)
      where tickets.id = v.id`)
  }
}
