import { ErrorCode } from '@flare/protocol'
import fc from 'fast-check'

/** The parts of a JSON Schema (TypeBox or OpenAPI's copy of it) the generators follow. */
export interface JsonSchema {
  type?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  const?: unknown
  enum?: unknown[]
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
}

/** Ids that exist, so generated bodies reach past "no such thing" into the handlers. */
export interface KnownIds {
  ids: string[]
}

/**
 * Text the boundary must refuse or store as given: NUL, unpaired surrogates, emoji, combining
 * marks, bidi overrides, line separators, markup, template braces. Never U+FFFD, so finding
 * one stored means an unpaired surrogate slipped through and was replaced.
 */
const NASTY = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\udbff\udbff',
  '😀',
  '🇬🇧',
  'e\u0301',
  '\u202e',
  '\t',
  '\n',
  '\r\n',
  ' ',
  '\u2028',
  '<script>',
  "'",
  '"',
  '\\',
  '%00',
  '{ticket.subject}',
  'ß',
]
const PLAIN = 'abcxyz ABC@.+-_:0123456789'.split('')

const unit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PLAIN) },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY) },
)

function text(min = 0, max = 40): fc.Arbitrary<string> {
  return fc.string({
    unit,
    minLength: Math.min(min, 40),
    maxLength: Math.max(Math.min(max, 40), min),
  })
}

// fast-check may produce U+FFFD for `.` and `\S`: swapped, so it never appears in what is sent
const noReplacement = (s: string) => s.replaceAll('\ufffd', '?')

/** Any JSON value, small: the wrong type for a field, or a body that is not an object. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }).map((v) => (typeof v === 'string' ? noReplacement(v) : v)),
  text(),
  fc.constantFrom(null, true, 0, -1, 1e308, '', [], {}),
)

function stringFor(schema: JsonSchema, known: KnownIds): fc.Arbitrary<string> {
  if (schema.format === 'uuid') {
    return fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...known.ids) },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: text(0, 40) },
    )
  }
  if (schema.format === 'date-time') {
    return fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
      },
      { weight: 1, arbitrary: text() },
    )
  }
  const fitting = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern)).map(noReplacement)
    : text(schema.minLength ?? 0, schema.maxLength ?? 40)
  return fc.oneof({ weight: 4, arbitrary: fitting }, { weight: 1, arbitrary: text() })
}

/**
 * Values for a schema: mostly fitting, so handlers run, with nasty text everywhere and, now
 * and then, the wrong type, a missing required field or an unexpected one.
 */
export function valuesFor(schema: JsonSchema, known: KnownIds, depth = 0): fc.Arbitrary<unknown> {
  const fitting = fittingFor(schema, known, depth)
  return fc.oneof({ weight: 12, arbitrary: fitting }, { weight: 1, arbitrary: junk })
}

function fittingFor(schema: JsonSchema, known: KnownIds, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  if (schema.anyOf && schema.anyOf.length > 0) {
    return fc.oneof(...schema.anyOf.map((s) => valuesFor(s, known, depth + 1)))
  }
  switch (schema.type) {
    case 'string':
      return stringFor(schema, known)
    case 'integer':
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc.integer({
            min: schema.minimum ?? -1000,
            max: schema.maximum ?? 1_000_000,
          }),
        },
        { weight: 1, arbitrary: fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53, 1.5) },
      )
    case 'number':
      return fc.oneof(
        fc.integer({ min: -10, max: 5000 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      )
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array': {
      const items = schema.items ?? {}
      return fc.array(valuesFor(items, known, depth + 1), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      })
    }
    case 'object': {
      if (depth > 6) return fc.constant({})
      const properties = Object.entries(schema.properties ?? {})
      const required = new Set(schema.required ?? [])
      const fields = properties.map(([name, s]) =>
        fc
          .tuple(
            fc.integer({ min: 0, max: 19 }),
            valuesFor(calendarAware(name, s), known, depth + 1),
          )
          .map(([roll, value]): [string, unknown] | null =>
            // a required field goes missing 1 time in 20; an optional one is there half the time
            (required.has(name) ? roll > 0 : roll % 2 === 0) ? [name, value] : null,
          ),
      )
      return fc
        .tuple(fc.tuple(...fields), fc.option(fc.tuple(text(1, 10), junk), { freq: 20 }))
        .map(([entries, extra]) => {
          const value: Record<string, unknown> = {}
          for (const entry of entries) if (entry) value[entry[0]] = entry[1]
          if (extra) value[extra[0]] = extra[1]
          return value
        })
    }
    default:
      // `Type.Unknown()`: anything at all
      return junk
  }
}

// a calendar is `Type.Unknown()` in the bodies (checked by validateCalendar afterwards), so
// give it the calendar's own shape most of the time
let calendarSchema: JsonSchema | null = null
export function useCalendarSchema(schema: JsonSchema): void {
  calendarSchema = schema
}
function calendarAware(name: string, schema: JsonSchema): JsonSchema {
  return name === 'calendar' && calendarSchema && schema.type === undefined
    ? { anyOf: [calendarSchema, { type: 'null' }] }
    : schema
}

const FORBIDDEN = /\ufffd|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Text that must never be stored or sent: NUL, U+FFFD (a replaced surrogate) or an unpaired surrogate. */
export function badTextIn(text: string): string | null {
  const nul = text.indexOf('\u0000')
  const match = FORBIDDEN.exec(text)
  if (nul < 0 && !match) return null
  const at = nul >= 0 ? nul : (match?.index ?? 0)
  return JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))
}

const CODES = new Set<string>(Object.values(ErrorCode))

/** Whether an error body is `{error: {code, message, field?}}` with a code clients know. */
export function isErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false
  const error = body.error
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    CODES.has(error.code) &&
    'message' in error &&
    typeof error.message === 'string'
  )
}

/** Unpaired surrogates cannot travel in a form (the encoder replaces them); NUL can. */
export function formEncodable(value: unknown): string {
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
}
