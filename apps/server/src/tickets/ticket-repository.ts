import type { InboxDto, TicketCounts, TicketDto, TicketMessageDto } from '@flare/protocol'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { inboxAdmins, inboxes, memberships, ticketMessages, tickets } from '../db/schema.js'

export type TicketRow = typeof tickets.$inferSelect
export type MessageRow = typeof ticketMessages.$inferSelect
export type InboxRow = typeof inboxes.$inferSelect
/** A transaction or the database itself: repository reads work on either. */
export type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'execute'>

const PREVIEW_LENGTH = 140

export function previewOf(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim()
  return flat.length > PREVIEW_LENGTH ? `${flat.slice(0, PREVIEW_LENGTH - 1)}…` : flat
}

/** Phone numbers compare without spaces and punctuation: `+1 (555) 0100` is `+15550100`. */
export function normalizePhone(phone: string): string {
  return phone.replace(/[\s().-]/g, '')
}

/** A channel address as stored and looked up: phone-like ones normalised, others as given. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim()
  return /^\+?[0-9\s().-]+$/.test(trimmed) ? normalizePhone(trimmed) : trimmed.toLowerCase()
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null)

export function toTicketDto(row: TicketRow): TicketDto {
  return {
    id: row.id,
    spaceId: row.spaceId,
    inboxId: row.inboxId,
    subject: row.subject,
    customer: { name: row.customerName, email: row.customerEmail, phone: row.customerPhone },
    status: row.status,
    holdUntil: iso(row.holdUntil),
    priority: row.priority,
    category: row.category,
    assignedToUserId: row.assignedToUserId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    openSince: row.openSince.toISOString(),
    waitingSince: iso(row.waitingSince),
    escalationLevel: row.escalationLevel,
    lastEscalatedAt: iso(row.lastEscalatedAt),
    escalationHistory: row.escalationHistory,
    acknowledgements: row.acknowledgements,
    lastMessageAt: iso(row.lastMessageAt),
    preview: row.preview,
    firstResponseAt: iso(row.firstResponseAt),
    resolvedAt: iso(row.resolvedAt),
    slaStatus: row.slaStatus,
    firstResponseTime: row.firstResponseTime,
    slaDueAt: iso(row.slaDueAt),
  }
}

export function toMessageDto(row: MessageRow): TicketMessageDto {
  return {
    id: row.id,
    ticketId: row.ticketId,
    authorKind: row.authorKind,
    authorUserId: row.authorUserId,
    body: row.body,
    internal: row.internal,
    createdAt: row.createdAt.toISOString(),
    ...(row.deliveryState
      ? { delivery: { state: row.deliveryState, error: row.deliveryError } }
      : {}),
    ...(row.sentiment !== null ? { sentiment: row.sentiment } : {}),
    ...(row.botOutcome ? { botOutcome: row.botOutcome } : {}),
  }
}

export function toInboxDto(row: InboxRow, adminUserIds: string[], withSecret: boolean): InboxDto {
  return {
    id: row.id,
    spaceId: row.spaceId,
    name: row.name,
    channelAddress: row.channelAddress,
    adminUserIds,
    calendar: row.calendar ?? null,
    ...(withSecret ? { webhookSecret: row.webhookSecret } : {}),
    createdAt: row.createdAt.toISOString(),
  }
}

export async function findInbox(
  db: Tx,
  spaceId: string,
  inboxId: string,
): Promise<InboxRow | null> {
  const [row] = await db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.spaceId, spaceId)))
  return row ?? null
}

export async function listInboxRows(db: Tx, spaceId: string): Promise<InboxRow[]> {
  return db.select().from(inboxes).where(eq(inboxes.spaceId, spaceId)).orderBy(asc(inboxes.name))
}

export async function adminsOf(db: Tx, inboxIds: string[]): Promise<Map<string, string[]>> {
  const byInbox = new Map<string, string[]>(inboxIds.map((id) => [id, []]))
  if (inboxIds.length === 0) return byInbox
  const rows = await db
    .select()
    .from(inboxAdmins)
    .where(inArray(inboxAdmins.inboxId, inboxIds))
    .orderBy(asc(inboxAdmins.userId))
  for (const row of rows) byInbox.get(row.inboxId)?.push(row.userId)
  return byInbox
}

export async function findTicket(
  db: Tx,
  spaceId: string,
  ticketId: string,
): Promise<TicketRow | null> {
  const [row] = await db
    .select()
    .from(tickets)
    .where(and(eq(tickets.id, ticketId), eq(tickets.spaceId, spaceId)))
  return row ?? null
}

/**
 * The space's waiting and escalated tickets (SPEC §4.2 `counts`), as the top bar and the map's
 * corner show them (SPEC §4.2.1): one statement over the space's open tickets, which the
 * partial index `tickets_space_live_idx` (open and held tickets by space) can find without
 * reading the resolved and closed ones; the wallboard counts the same way.
 */
export async function countTickets(db: Tx, spaceId: string): Promise<TicketCounts> {
  const [row] = await db
    .select({
      waiting: sql<number>`count(*) filter (where ${tickets.waitingSince} is not null)`.mapWith(
        Number,
      ),
      escalated: sql<number>`count(*) filter (where ${tickets.escalationLevel} > 0)`.mapWith(
        Number,
      ),
    })
    .from(tickets)
    .where(and(eq(tickets.spaceId, spaceId), eq(tickets.status, 'open')))
  return { waiting: row?.waiting ?? 0, escalated: row?.escalated ?? 0 }
}

export async function listMessages(db: Tx, ticketId: string): Promise<MessageRow[]> {
  return db
    .select()
    .from(ticketMessages)
    .where(eq(ticketMessages.ticketId, ticketId))
    .orderBy(asc(ticketMessages.seq))
}

/** The ids among `userIds` that are not members of the space. */
export async function nonMembers(db: Tx, spaceId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return []
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.spaceId, spaceId), inArray(memberships.userId, userIds)))
  const members = new Set(rows.map((r) => r.userId))
  return userIds.filter((id) => !members.has(id))
}

/** A unique index refused the write (PostgreSQL 23505), however the driver wrapped it. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true
  }
  return false
}
