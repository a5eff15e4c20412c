import { Type } from '@sinclair/typebox'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAcceptableText, Text } from './text.js'
import { parse } from './validate.js'

const codeUnit = fc
  .oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0xd800, max: 0xdfff }),
    fc.integer({ min: 0, max: 0xffff }),
  )
  .map((n) => String.fromCharCode(n))

describe('the text policy', () => {
  const Body = Type.Object({
    note: Type.Union([Text({ maxLength: 50 }), Type.Null()]),
    name: Text(),
  })

  it('[12] refuses NUL and unpaired surrogates with VALIDATION naming the field', () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udc00', '\udbff\udbff', 'end\ud83d']) {
      const r = parse(Body, { note: null, name: bad })
      expect(r).toEqual({
        ok: false,
        error: {
          code: 'VALIDATION',
          field: 'name',
          message: 'name: text may not contain NUL characters or unpaired surrogates',
        },
      })
      const inUnion = parse(Body, { note: bad, name: 'ok' })
      expect(inUnion.ok ? null : inUnion.error).toMatchObject({
        field: 'note',
        message: 'note: text may not contain NUL characters or unpaired surrogates',
      })
    }
  })

  it('[12] accepts every well-formed string: emoji, flags, combining marks, other controls', () => {
    for (const good of ['Where is my order? 📦', '🇬🇧', 'e\u0301', 'tab\there', '\u2028', '']) {
      expect(isAcceptableText(good)).toBe(true)
    }
  })

  it('[12] agrees with a UTF-8 round trip on any string (property)', () => {
    fc.assert(
      // UTF-16 code units one by one, so unpaired surrogates come up often
      fc.property(fc.string({ unit: codeUnit, maxLength: 8 }), (s) => {
        const roundTrips = Buffer.from(s, 'utf8').toString('utf8') === s
        expect(isAcceptableText(s)).toBe(roundTrips && !s.includes('\u0000'))
      }),
      { numRuns: 300 },
    )
  })
})
