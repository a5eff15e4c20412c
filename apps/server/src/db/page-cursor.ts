import { and, eq, lt, or, type SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { badRequest } from '../errors.js'

/**
 * The cursor of a newest-first page: the last row's creation instant and id, opaque to
 * clients. One shape for every paged list (tickets, deliveries).
 */
export function encodePageCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url')
}

function decodePageCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    const createdAt = new Date(String(at))
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime()))
      throw new Error('bad cursor')
    return { createdAt, id }
  } catch {
    throw badRequest('cursor: not a cursor this API gave out', 'cursor')
  }
}

/** The rows after `cursor` in newest-first order (created earlier, ties broken by id). */
export function olderThanCursor(
  createdAt: PgColumn,
  id: PgColumn,
  cursor: string,
): SQL | undefined {
  const c = decodePageCursor(cursor)
  return or(lt(createdAt, c.createdAt), and(eq(createdAt, c.createdAt), lt(id, c.id)))
}
