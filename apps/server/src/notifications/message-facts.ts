import type { EscalationHistoryEntryDto } from '@flare/protocol'
import type { TemplateValues } from '@flare/rules'
import { and, desc, eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import {
  escalationFirings,
  escalations,
  inboxes,
  spaces,
  ticketMessages,
  tickets,
  users,
} from '../db/schema.js'
import type { InboxRow, MessageRow, TicketRow } from '../tickets/ticket-repository.js'
import type { OutboxRow } from './channels/channel.js'

/** What one outbox row is about, loaded once per batch and shared by its channels. */
export interface MessageFacts {
  event: OutboxRow['event']
  spaceId: string
  spaceName: string
  /** Where "Open" goes: the ticket (`/t/:id`) or the space. */
  link: string
  ticket: TicketRow | null
  inbox: InboxRow | null
  firing: {
    id: string
    ruleId: string
    ruleName: string
    level: number
    reason: string
    escalatedAt: Date
    previousAssigneeId: string | null
    targetUserIds: string[]
  } | null
  /** A staff reply to send to the customer. */
  message: MessageRow | null
  hand: { id: string; raiserName: string; message: string; startedAt: Date } | null
  /** The template values, all but the per-recipient `escalation_target`. */
  values: TemplateValues
}

const EXCERPT = 100

/** "5 min", "2 h 5 min", "3 d 4 h". */
export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000))
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`
  const days = Math.floor(hours / 24)
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`
}

function excerptOf(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim()
  return line.length > EXCERPT ? `${line.slice(0, EXCERPT - 3).trimEnd()}...` : line
}

/** The link in every notification about a ticket: short, so an SMS has room for words. */
export function ticketLink(publicUrl: string, ticketId: string): string {
  return `${publicUrl}/t/${ticketId}`
}

async function nameOf(db: Db, userId: string | null): Promise<string | null> {
  if (!userId) return null
  const [row] = await db.select({ name: users.displayName }).from(users).where(eq(users.id, userId))
  return row?.name ?? null
}

/**
 * Loads what a row is about. A ticket or firing deleted since the row was queued yields facts
 * without them; the channel then says what is missing.
 */
export async function loadFacts(db: Db, publicUrl: string, row: OutboxRow): Promise<MessageFacts> {
  const [space] = await db
    .select({ name: spaces.name })
    .from(spaces)
    .where(eq(spaces.id, row.spaceId))
  const [ticket] = row.ticketId
    ? await db.select().from(tickets).where(eq(tickets.id, row.ticketId))
    : []
  const [inbox] = ticket
    ? await db.select().from(inboxes).where(eq(inboxes.id, ticket.inboxId))
    : []
  const facts: MessageFacts = {
    event: row.event,
    spaceId: row.spaceId,
    spaceName: space?.name ?? 'Flare',
    link: ticket ? ticketLink(publicUrl, ticket.id) : `${publicUrl}/spaces/${row.spaceId}`,
    ticket: ticket ?? null,
    inbox: inbox ?? null,
    firing: null,
    message: null,
    hand: null,
    values: {},
  }

  if (row.firingId) {
    const [firing] = await db
      .select()
      .from(escalationFirings)
      .where(eq(escalationFirings.id, row.firingId))
    if (firing) {
      // the history entry of this firing carries its reason and who had the ticket before
      const entry: EscalationHistoryEntryDto | undefined = ticket?.escalationHistory.find(
        (e) =>
          e.ruleId === firing.ruleId &&
          new Date(e.escalatedAt).getTime() === firing.escalatedAt.getTime(),
      )
      facts.firing = {
        id: firing.id,
        ruleId: firing.ruleId,
        ruleName: entry?.ruleName ?? 'a rule',
        level: firing.level,
        reason: entry?.reason ?? 'Escalated',
        escalatedAt: firing.escalatedAt,
        previousAssigneeId: entry?.escalatedFrom ?? null,
        targetUserIds: firing.targetUserIds,
      }
    }
  }
  if (row.messageId) {
    const [message] = await db
      .select()
      .from(ticketMessages)
      .where(eq(ticketMessages.id, row.messageId))
    facts.message = message ?? null
  }
  if (row.escalationId) {
    const [hand] = await db
      .select({
        id: escalations.id,
        message: escalations.message,
        startedAt: escalations.startedAt,
        raiserName: users.displayName,
      })
      .from(escalations)
      .innerJoin(users, eq(users.id, escalations.raisedBy))
      .where(eq(escalations.id, row.escalationId))
    facts.hand = hand ?? null
  }

  if (ticket) {
    const [lastCustomer] = await db
      .select({ body: ticketMessages.body })
      .from(ticketMessages)
      .where(
        and(
          eq(ticketMessages.ticketId, ticket.id),
          inArray(ticketMessages.authorKind, ['customer']),
          eq(ticketMessages.internal, false),
        ),
      )
      .orderBy(desc(ticketMessages.seq))
      .limit(1)
    const firing = facts.firing
    const at = firing?.escalatedAt ?? ticket.updatedAt
    // the rule's own count (business or wall-clock minutes) is in the reason it recorded
    const counted = firing?.reason.match(/(\d+) (?:business )?minutes?/)?.[1]
    const since = ticket.waitingSince ?? ticket.openSince
    facts.values = {
      minutes: counted
        ? Number(counted)
        : Math.max(0, Math.floor((at.getTime() - since.getTime()) / 60_000)),
      priority: ticket.priority,
      rule_name: firing?.ruleName ?? '',
      ticket_id: ticket.id,
      subject: ticket.subject,
      level: firing?.level ?? ticket.escalationLevel,
      age: formatAge(at.getTime() - ticket.createdAt.getTime()),
      status: ticket.status,
      link: facts.link,
      reason: firing?.reason ?? '',
      previous_assignee: (await nameOf(db, firing?.previousAssigneeId ?? null)) ?? 'nobody',
      customer_name:
        ticket.customerName ?? ticket.customerPhone ?? ticket.customerEmail ?? 'A customer',
      transcript_excerpt: lastCustomer ? excerptOf(lastCustomer.body) : excerptOf(ticket.preview),
    }
  }
  return facts
}
