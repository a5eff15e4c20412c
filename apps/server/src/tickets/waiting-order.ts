import { and, desc, eq, gt, isNull, lt, or, type SQL, sql } from 'drizzle-orm'
import { tickets } from '../db/schema.js'
import { badRequest } from '../errors.js'

// "Longest waiting first" (SPEC §4.2): the tickets waiting on staff by `waiting_since`, oldest
// first, then the ones not waiting newest first; ties broken newest first by creation and id,
// so every row has one place and a keyset cursor can say where a page ended.

/** The ORDER BY of the longest-waiting list. */
export const longestWaitingOrder = [
  sql`${tickets.waitingSince} asc nulls last`,
  desc(tickets.createdAt),
  desc(tickets.id),
]

interface WaitingCursor {
  waitingSince: Date | null
  createdAt: Date
  id: string
}

// `w` marks the order: a newest-first cursor given here, or this one given there, is refused
const MARK = 'w'

export function encodeWaitingCursor(row: WaitingCursor): string {
  const fields = [
    MARK,
    row.waitingSince ? row.waitingSince.toISOString() : null,
    row.createdAt.toISOString(),
    row.id,
  ]
  return Buffer.from(JSON.stringify(fields)).toString('base64url')
}

function instantOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null
  const at = new Date(value)
  return Number.isNaN(at.getTime()) ? null : at
}

function decodeWaitingCursor(cursor: string): WaitingCursor {
  let fields: unknown
  try {
    fields = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    fields = null
  }
  if (Array.isArray(fields) && fields.length === 4 && fields[0] === MARK) {
    const [, since, created, id] = fields
    const waitingSince = instantOf(since)
    const createdAt = instantOf(created)
    if (
      (since === null || waitingSince) &&
      createdAt &&
      typeof id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(id)
    ) {
      return { waitingSince, createdAt, id }
    }
  }
  throw badRequest('cursor: not a cursor this API gave out for this order', 'cursor')
}

/** The rows after `cursor` in longest-waiting order. */
export function afterWaitingCursor(cursor: string): SQL | undefined {
  const c = decodeWaitingCursor(cursor)
  const olderTie = or(
    lt(tickets.createdAt, c.createdAt),
    and(eq(tickets.createdAt, c.createdAt), lt(tickets.id, c.id)),
  )
  if (c.waitingSince === null) return and(isNull(tickets.waitingSince), olderTie)
  return or(
    gt(tickets.waitingSince, c.waitingSince),
    and(eq(tickets.waitingSince, c.waitingSince), olderTie),
    isNull(tickets.waitingSince),
  )
}
