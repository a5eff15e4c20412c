import { Type } from '@sinclair/typebox'
import { describe, expect, it, vi } from 'vitest'
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

describe('parse where eval is refused', () => {
  it('[12] checks the same way under a CSP without unsafe-eval (the web app), by interpreting', async () => {
    vi.resetModules()
    // what a browser does under script-src 'self': `new Function(…)` throws an EvalError
    vi.stubGlobal('Function', function refused() {
      throw new EvalError('Evaluating a string as JavaScript violates the Content Security Policy')
    })
    try {
      const { parse: refusedParse } = await import('./validate.js')
      const schema = Type.Object({
        name: Type.String({ minLength: 1 }),
        id: Type.String({ format: 'uuid' }),
      })
      expect(
        refusedParse(schema, { name: 'Dana', id: '0b6c7a52-0000-4000-8000-000000000001' }).ok,
      ).toBe(true)
      expect(refusedParse(schema, { name: 'Dana', id: 'nope' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', field: 'id' },
      })
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
