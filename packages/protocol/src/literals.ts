import { type SchemaOptions, Type } from '@sinclair/typebox'

/**
 * A schema for one of a fixed list of strings, built from the list itself (an `as const`
 * array), so the list, the schema, the derived type and the database enum never drift apart.
 *
 * @example
 * export const TICKET_STATUSES = ['open', 'closed'] as const
 * export const TicketStatusSchema = literals(TICKET_STATUSES)
 */
export function literals<const T extends readonly string[]>(values: T, options?: SchemaOptions) {
  return Type.Union(
    values.map((value: T[number]) => Type.Literal(value)),
    options,
  )
}
