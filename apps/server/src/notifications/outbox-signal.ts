import { sql } from 'drizzle-orm'
import type { Tx } from '../tickets/ticket-repository.js'

/** The PostgreSQL channel on which writers of outbox rows wake the delivery workers. */
export const OUTBOX_CHANNEL = 'flare_outbox'

/**
 * Wakes every process's delivery worker when the caller's transaction commits (NOTIFY is
 * delivered at commit, and not at all on rollback). Call it in the transaction that wrote
 * outbox rows.
 */
export async function notifyOutbox(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`)
}
