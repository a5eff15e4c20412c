import type { Static, TSchema } from '@sinclair/typebox'
import { FormatRegistry } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { type ValueError, type ValueErrorIterator, ValueErrorType } from '@sinclair/typebox/errors'
import { Value } from '@sinclair/typebox/value'
import { type ApiError, ErrorCode } from './result.js'
import { isAcceptableText, TEXT_FORMAT } from './text.js'

// TypeBox refuses any string with a format it does not know, so the formats our schemas use
// are registered once, here, wherever the protocol is loaded
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => UUID.test(v))
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set(
    'date-time',
    (v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)),
  )
}

if (!FormatRegistry.Has(TEXT_FORMAT)) FormatRegistry.Set(TEXT_FORMAT, isAcceptableText)

const TEXT_PROBLEM = 'text may not contain NUL characters or unpaired surrogates'

/** The words for an error: the text policy's own, else TypeBox's. */
function describeError(error: ValueError): string {
  if (error.type === ValueErrorType.StringFormat && error.schema.format === TEXT_FORMAT) {
    return TEXT_PROBLEM
  }
  // `text or null`, `id or null` that failed on the string: say why rather than "Expected union value"
  if (error.type === ValueErrorType.Union) {
    for (const variant of error.errors) {
      for (const inner of variant) {
        if (inner.type !== ValueErrorType.StringFormat) continue
        if (inner.schema.format === TEXT_FORMAT) return TEXT_PROBLEM
        if (inner.schema.format === 'uuid') return 'must be a UUID (or null)'
      }
    }
  }
  return error.message
}

interface Checker<T extends TSchema> {
  Check(input: unknown): input is Static<T>
  Errors(input: unknown): ValueErrorIterator
}

const compiled = new WeakMap<TSchema, Checker<TSchema>>()

/**
 * The compiled checker (fast, on the server); where compiling is not allowed — a page whose
 * Content-Security-Policy refuses `unsafe-eval` — the same checks, interpreted.
 */
function checkerFor<T extends TSchema>(schema: T): Checker<T> {
  const known = compiled.get(schema)
  if (known) return known as Checker<T>
  let check: Checker<T>
  try {
    check = TypeCompiler.Compile(schema)
  } catch {
    check = {
      Check: (input): input is Static<T> => Value.Check(schema, input),
      Errors: (input) => Value.Errors(schema, input),
    }
  }
  compiled.set(schema, check)
  return check
}

/** `/recipients/userIds/0` → `recipients.userIds.0`; the root is reported as no field. */
function fieldOf(path: string): string | undefined {
  const dotted = path.split('/').filter(Boolean).join('.')
  return dotted === '' ? undefined : dotted
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ApiError }

/**
 * Checks untrusted input against a shared schema. Nothing is coerced or trimmed: input
 * that does not match is refused with the first offending field named.
 *
 * @example
 * const r = parse(LoginRequest, body)
 * if (!r.ok) return reply.code(400).send({ error: r.error })
 */
export function parse<T extends TSchema>(schema: T, input: unknown): Parsed<Static<T>> {
  const check = checkerFor(schema)
  if (check.Check(input)) return { ok: true, value: input }
  const first = check.Errors(input).First()
  const field = first ? fieldOf(first.path) : undefined
  const message = first
    ? `${field ?? 'input'}: ${describeError(first)}`
    : 'input does not match the expected shape'
  return {
    ok: false,
    error: { code: ErrorCode.VALIDATION, message, ...(field ? { field } : {}) },
  }
}
