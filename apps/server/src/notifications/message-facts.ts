import type { EscalationHistoryEntryDto } from '@flare/protocol'
import { type TemplateValues, transcriptExcerpt } from '@flare/rules'
import { eq } from 'drizzle-orm'
import { loadTranscripts } from '../automation/transcripts.js'
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
    /** The first "I'm on it", once someone has said it. */
    acknowledged: { userId: string; name: string; at: Date } | null
    /** Set off by an instant trigger (SPEC §11.1), not by a clock. */
    trigger: boolean
  } | null
  /** A staff reply to send to the customer. */
  message: MessageRow | null
  hand: {
    id: string
    raisedBy: string
    raiserName: string
    message: string
    color: 'yellow' | 'red'
    startedAt: Date
  } | null
  /** The template values, all but the per-recipient `escalation_target`. */
  values: TemplateValues
  /** `transcript_excerpt` is the end of a bot conversation (SPEC §11.1.7), not one message. */
  transcriptFromBot: boolean
}

const EXCERPT = 100
// a conversation with a bot gets room for its last few turns
const BOT_EXCERPT = 300
// turns read for the excerpt: more than ever fit in it
const EXCERPT_TURNS = 12

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
 * The ticket's history entry of a firing: it carries the rule's name and the reason as they were
 * when it fired, and who had the ticket before.
 */
export function historyEntryOf(
  history: readonly EscalationHistoryEntryDto[],
  firing: { ruleId: string; escalatedAt: Date },
): EscalationHistoryEntryDto | undefined {
  return history.find(
    (e) =>
      e.ruleId === firing.ruleId &&
      new Date(e.escalatedAt).getTime() === firing.escalatedAt.getTime(),
  )
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
    transcriptFromBot: false,
  }

  if (row.firingId) {
    const [firing] = await db
      .select()
      .from(escalationFirings)
      .where(eq(escalationFirings.id, row.firingId))
    if (firing) {
      const entry = historyEntryOf(ticket?.escalationHistory ?? [], firing)
      facts.firing = {
        id: firing.id,
        ruleId: firing.ruleId,
        ruleName: entry?.ruleName ?? 'a rule',
        level: firing.level,
        reason: entry?.reason ?? 'Escalated',
        escalatedAt: firing.escalatedAt,
        previousAssigneeId: entry?.escalatedFrom ?? null,
        targetUserIds: firing.targetUserIds,
        acknowledged:
          firing.acknowledgedBy && firing.acknowledgedAt
            ? {
                userId: firing.acknowledgedBy,
                name: (await nameOf(db, firing.acknowledgedBy)) ?? 'a former member',
                at: firing.acknowledgedAt,
              }
            : null,
        trigger: entry?.trigger !== undefined,
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
        raisedBy: escalations.raisedBy,
        message: escalations.message,
        color: escalations.color,
        startedAt: escalations.startedAt,
        raiserName: users.displayName,
      })
      .from(escalations)
      .innerJoin(users, eq(users.id, escalations.raisedBy))
      .where(eq(escalations.id, row.escalationId))
    facts.hand = hand ?? null
  }

  if (ticket) {
    // the customer's last message, or with a bot the end of the conversation (SPEC §11.1.7)
    const transcript = (await loadTranscripts(db, [ticket.id], EXCERPT_TURNS)).get(ticket.id)
    facts.transcriptFromBot = transcript?.lines.some((line) => line.from === 'bot') ?? false
    const firing = facts.firing
    const at = firing?.escalatedAt ?? ticket.updatedAt
    // the rule's own count (business or wall-clock minutes) is in the reason it recorded; a
    // trigger's reason quotes the customer, whose words are no count
    const counted = firing?.trigger
      ? undefined
      : firing?.reason.match(/(\d+) (?:business )?minutes?/)?.[1]
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
      transcript_excerpt: transcript
        ? transcriptExcerpt(transcript.lines, facts.transcriptFromBot ? BOT_EXCERPT : EXCERPT)
        : excerptOf(ticket.preview),
    }
  }
  return facts
}
