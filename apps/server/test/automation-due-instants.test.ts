import type { EscalationHistoryEntryDto } from '@flare/protocol'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { tickets } from '../src/db/schema.js'
import { loadSpaceContext, nextDueOf } from '../src/scheduling/due-instants.js'
import { createRule, customerWrites, fireAt, isolatedInbox, MINUTE } from './automation-support.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, onTicket } from './tickets-support.js'

type TicketRow = typeof tickets.$inferSelect

/**
 * Every version of a ticket as it was committed: a deferred constraint trigger runs at each
 * commit that touched the row and copies the row as it stands then. A due instant fixed up
 * by a second transaction would show here as a committed version with a stale instant.
 */
const RECORD_COMMITS = [
  sql`create table committed_tickets as select *, 0::bigint as txid from tickets where false`,
  sql`create function record_committed() returns trigger language plpgsql as $$
    begin
      insert into committed_tickets select t.*, txid_current() from tickets t where t.id = new.id;
      return null;
    end $$`,
  sql`create constraint trigger tickets_committed after insert or update on tickets
    deferrable initially deferred for each row execute function record_committed()`,
]

function dateOf(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(String(value))
}

/** A raw `committed_tickets` row as the scheduler reads a ticket. */
function rowOf(raw: Record<string, unknown>): TicketRow {
  const history = raw.escalation_history
  const acknowledgements = raw.acknowledgements
  return {
    id: String(raw.id),
    spaceId: String(raw.space_id),
    inboxId: String(raw.inbox_id),
    status: String(raw.status) as TicketRow['status'],
    priority: String(raw.priority) as TicketRow['priority'],
    category: raw.category === null ? null : String(raw.category),
    assignedToUserId: raw.assigned_to_user_id === null ? null : String(raw.assigned_to_user_id),
    escalationLevel: Number(raw.escalation_level),
    createdAt: dateOf(raw.created_at) ?? new Date(0),
    openSince: dateOf(raw.open_since) ?? new Date(0),
    waitingSince: dateOf(raw.waiting_since),
    nextDueAt: dateOf(raw.next_due_at),
    escalationHistory: (typeof history === 'string'
      ? JSON.parse(history)
      : history) as EscalationHistoryEntryDto[],
    acknowledgements: (typeof acknowledgements === 'string'
      ? JSON.parse(acknowledgements)
      : (acknowledgements ?? [])) as TicketRow['acknowledgements'],
    holdUntil: dateOf(raw.hold_until),
    subject: String(raw.subject),
    customerName: null,
    customerEmail: null,
    customerPhone: null,
    updatedAt: dateOf(raw.updated_at) ?? new Date(0),
    lastEscalatedAt: dateOf(raw.last_escalated_at),
    firstEscalatedAt: dateOf(raw.first_escalated_at),
    escalationCount: Number(raw.escalation_count),
    timeToEscalateMs: raw.time_to_escalate_ms == null ? null : Number(raw.time_to_escalate_ms),
    resolutionAfterEscalationMs:
      raw.resolution_after_escalation_ms == null
        ? null
        : Number(raw.resolution_after_escalation_ms),
    lastMessageAt: dateOf(raw.last_message_at),
    preview: String(raw.preview),
    firstResponseAt: dateOf(raw.first_response_at),
    resolvedAt: dateOf(raw.resolved_at),
    slaStatus: raw.sla_status === null ? null : (String(raw.sla_status) as TicketRow['slaStatus']),
    slaDueAt: dateOf(raw.sla_due_at),
    firstResponseTime: raw.first_response_time === null ? null : Number(raw.first_response_time),
    pendingTriggers: (typeof raw.pending_triggers === 'string'
      ? JSON.parse(raw.pending_triggers)
      : (raw.pending_triggers ?? [])) as TicketRow['pendingTriggers'],
  }
}

describe.each(databaseKinds())('due instants on $name', (kind) => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp(kind)
    for (const statement of RECORD_COMMITS) await t.database.query(statement)
  })
  afterAll(async () => {
    await t?.close()
  })

  /** Every version committed since the last look carries the instant a fresh computation gives. */
  async function expectNoStaleCommit(step: string): Promise<number> {
    const raws = await t.database.query<Record<string, unknown>>(
      sql`delete from committed_tickets returning *`,
    )
    const context = await loadSpaceContext(t.database.db, t.spaceId)
    const now = t.clock.now()
    for (const raw of raws) {
      const row = rowOf(raw)
      expect(
        { step, ticket: row.id, nextDueAt: row.nextDueAt },
        `${step}: a committed version of ${row.id} has a stale due instant`,
      ).toEqual({ step, ticket: row.id, nextDueAt: nextDueOf(row, context, now) })
    }
    return raws.length
  }

  it('[6.4] no committed ticket carries a stale due instant, whatever changed it', async () => {
    const inbox = await isolatedInbox(t)
    const dana = await t.userId('dana@flare.test')
    await createRule(t, { inboxId: inbox.id, escalateAfterMinutes: 30 })
    await createRule(t, { inboxId: inbox.id, escalateAfterMinutes: 10, priority: 'urgent' })
    await createRule(t, {
      inboxId: inbox.id,
      clock: 'age',
      escalateAfterMinutes: 90,
      conditions: [{ field: 'assignedToUserId', operator: 'equals', value: dana }],
    })
    await t.app.dueRecompute.runPending()
    await expectNoStaleCommit('rules saved')
    const manager = await cookieOf(t, 'manager@flare.test')
    const start = t.clock.now()

    const created = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/tickets`,
      headers: { cookie: manager },
      payload: {
        inboxId: inbox.id,
        subject: 'Phoned in',
        customer: { phone: '+15550177001' },
        message: { authorKind: 'customer', body: 'My order is late' },
      },
    })
    expect(created.statusCode).toBe(201)
    const ticketId: string = created.json().ticket.id
    expect(await expectNoStaleCommit('created with a customer message')).toBeGreaterThan(0)

    await customerWrites(t, inbox)
    expect(await expectNoStaleCommit('an inbound message opened a ticket')).toBeGreaterThan(0)

    t.clock.advance(5 * MINUTE)
    expect((await onTicket(t, ticketId, 'POST', '/replies', { body: 'Looking' })).statusCode).toBe(
      201,
    )
    await expectNoStaleCommit('a staff reply')
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/inbound/inboxes/${inbox.id}/messages`,
      headers: { 'x-flare-inbox-secret': inbox.webhookSecret },
      payload: { customer: { phone: '+15550177001' }, body: 'Any news?' },
    })
    expect(again.statusCode).toBe(201)
    await expectNoStaleCommit('a customer message to the open ticket')

    const changes: Array<[string, Record<string, unknown>]> = [
      ['priority', { priority: 'urgent' }],
      ['assignee', { assignedToUserId: dana }],
      ['hold', { status: 'on_hold', holdUntil: new Date(start.getTime() + 60 * MINUTE) }],
    ]
    for (const [what, change] of changes) {
      const res = await onTicket(t, ticketId, 'PATCH', '', change)
      expect(res.statusCode, `${what}: ${res.body}`).toBe(200)
      expect(await expectNoStaleCommit(`a ${what} change`)).toBeGreaterThan(0)
    }

    t.clock.current = new Date(start.getTime() + 60 * MINUTE)
    expect(await t.app.tickets.checkHolds(t.clock.now())).toContain(ticketId)
    await expectNoStaleCommit('the hold ended')

    await customerWrites(t, inbox, 'Hello again')
    await expectNoStaleCommit('another customer writes')
    const fired = await fireAt(t, start, 200)
    expect(fired.some((p) => p.firings.length > 0)).toBe(true)
    expect(await expectNoStaleCommit('a firing')).toBeGreaterThan(0)

    const resolved = await onTicket(t, ticketId, 'PATCH', '', { status: 'resolved' })
    expect(resolved.statusCode).toBe(200)
    await expectNoStaleCommit('resolved')
  })
})
