import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { parse } from './validate.js'

const Point = Type.Object(
  { x: Type.Number(), tags: Type.Array(Type.String({ maxLength: 3 })) },
  { additionalProperties: false },
)

describe('parse', () => {
  it('accepts matching input unchanged', () => {
    const input = { x: 1, tags: ['a'] }
    const r = parse(Point, input)
    expect(r).toEqual({ ok: true, value: input })
  })

  it('names the first offending field, dotted', () => {
    const r = parse(Point, { x: 1, tags: ['ok', 'toolong'] })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('VALIDATION')
    expect(r.error.field).toBe('tags.1')
    expect(r.error.message).toMatch(/^tags\.1: /)
  })

  it('refuses unknown properties instead of ignoring them', () => {
    const r = parse(Point, { x: 1, tags: [], extra: true })
    expect(r.ok).toBe(false)
  })

  it('refuses a non-object at the root without naming a field', () => {
    const r = parse(Point, 'nope')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.field).toBeUndefined()
  })
})
