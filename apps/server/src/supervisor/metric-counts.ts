import { sql } from 'drizzle-orm'
import type { Database } from '../db/database.js'

/**
 * Folds the metric deltas the triggers on `tickets` wrote into `ticket_metric_counts` (decision
 * 0010), deleting each delta in the statement that adds it, and answers how many it folded (0
 * when another process is folding them now). Readers sum both tables, so this only keeps the
 * deltas few: it never changes a figure.
 */
export async function compactMetricCounts(database: Database): Promise<number> {
  const [row] = await database.query<{ folded: number }>(
    sql`select flare_compact_ticket_metrics() as folded`,
  )
  return Number(row?.folded ?? 0)
}
