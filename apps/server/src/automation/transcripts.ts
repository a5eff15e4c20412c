import type { BotOutcome, TicketEscalatedEvent } from '@flare/protocol'
import type { ConversationLine } from '@flare/rules'
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import { ticketMessages } from '../db/schema.js'
import type { Tx } from '../tickets/ticket-repository.js'

/** The end of a ticket's conversation: its last customer and bot turns, and how many it has. */
export interface Transcript {
  /** Oldest first. */
  lines: Array<ConversationLine & { at: Date; outcome: BotOutcome | null }>
  /** Every customer and bot turn of the ticket. */
  total: number
}

/** Turns the pop-up carries (SPEC §11.1.7); the excerpt of templates is cut from them. */
export const TRANSCRIPT_TURNS = 8

/**
 * The last `limit` customer and bot turns of each ticket (notes, staff replies and system
 * messages left out), in one query for a whole batch.
 */
export async function loadTranscripts(
  tx: Pick<Tx, 'select'>,
  ticketIds: readonly string[],
  limit = TRANSCRIPT_TURNS,
): Promise<Map<string, Transcript>> {
  const byTicket = new Map<string, Transcript>()
  if (ticketIds.length === 0) return byTicket
  const ranked = tx
    .select({
      ticketId: ticketMessages.ticketId,
      authorKind: ticketMessages.authorKind,
      body: ticketMessages.body,
      botOutcome: ticketMessages.botOutcome,
      createdAt: ticketMessages.createdAt,
      seq: ticketMessages.seq,
      n: sql<number>`(row_number() over (partition by ${ticketMessages.ticketId} order by ${ticketMessages.seq} desc))::int`.as(
        'n',
      ),
      total: sql<number>`(count(*) over (partition by ${ticketMessages.ticketId}))::int`.as(
        'total',
      ),
    })
    .from(ticketMessages)
    .where(
      and(
        inArray(ticketMessages.ticketId, [...ticketIds]),
        eq(ticketMessages.internal, false),
        inArray(ticketMessages.authorKind, ['customer', 'bot']),
      ),
    )
    .as('ranked')
  const rows = await tx
    .select()
    .from(ranked)
    .where(lte(ranked.n, limit))
    .orderBy(asc(ranked.ticketId), asc(ranked.seq))
  for (const row of rows) {
    const transcript = byTicket.get(row.ticketId) ?? { lines: [], total: Number(row.total) }
    transcript.lines.push({
      from: row.authorKind === 'bot' ? 'bot' : 'customer',
      text: row.body,
      outcome: row.botOutcome,
      at: new Date(row.createdAt),
    })
    byTicket.set(row.ticketId, transcript)
  }
  return byTicket
}

/** A transcript as the pop-up carries it (`ticket:escalated`, the snapshot's `ticketAlerts`). */
export function transcriptFields(
  transcript: Transcript | null | undefined,
): Pick<TicketEscalatedEvent, 'transcript' | 'transcriptTurns'> {
  if (!transcript || transcript.total === 0) return {}
  return {
    transcript: transcript.lines.map((line) => ({
      from: line.from,
      text: line.text,
      ...(line.outcome ? { outcome: line.outcome } : {}),
      at: line.at.toISOString(),
    })),
    transcriptTurns: transcript.total,
  }
}
