import { type StringOptions, type TString, Type } from '@sinclair/typebox'

/** The format every free-text input carries; `validate.ts` registers its check. */
export const TEXT_FORMAT = 'text'

// a NUL, a high surrogate not followed by a low one, or a low surrogate not after a high one
const FORBIDDEN = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Whether a string may enter Flare as text: no NUL character (PostgreSQL cannot store one)
 * and no unpaired UTF-16 surrogate (it cannot be encoded as UTF-8, so it would be stored as
 * U+FFFD or refused by the database).
 *
 * @example
 * isAcceptableText('Where is my order? 📦') // true
 * isAcceptableText('a\u0000b') // false
 */
export function isAcceptableText(value: string): boolean {
  return !FORBIDDEN.test(value)
}

/**
 * The one text policy at the boundary: a string schema that also refuses NUL and unpaired
 * surrogates (400 `VALIDATION` naming the field). Every request body, query and socket
 * payload field that carries text uses it instead of `Type.String`.
 *
 * @example
 * const TicketMessageCreate = Type.Object({ body: Text({ minLength: 1, maxLength: 20_000 }) })
 */
export function Text(options: Omit<StringOptions, 'format'> = {}): TString {
  return Type.String({ ...options, format: TEXT_FORMAT })
}
