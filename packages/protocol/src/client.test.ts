import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/** Every module `client.ts` loads at run time (type-only imports are erased and not followed). */
function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  const source = readFileSync(new URL(file, import.meta.url), 'utf8')
  for (const [, specifier] of source.matchAll(
    /^(?:import|export) (?!type )[^;]*?from '([^']+)'/gms,
  )) {
    if (!specifier) continue
    if (specifier.startsWith('.')) runtimeImports(specifier.replace(/\.js$/, '.ts'), seen)
    else seen.add(specifier)
  }
  return seen
}

describe('the browser entry @flare/protocol/client', () => {
  it('[10] loads no TypeBox, so the web bundle stays lean', () => {
    const loaded = [...runtimeImports('./client.ts')]
    expect(loaded).toContain('./floor.ts')
    expect(loaded.filter((m) => m.includes('typebox'))).toEqual([])
    expect(loaded.filter((m) => !m.startsWith('./'))).toEqual([])
  })
})

describe('isConnectRefusal', () => {
  it('[2] agrees with the ConnectErrorData schema on what a refusal is', async () => {
    const { ConnectErrorData } = await import('./events.js')
    const { parse } = await import('./validate.js')
    const { isConnectRefusal } = await import('./error-codes.js')
    const samples: unknown[] = [
      { code: 'NOT_FOUND', message: 'No such space.' },
      { code: 'NOT_FOUND' },
      { code: 1, message: 'x' },
      null,
      'refused',
      { code: 'X', message: 'y', extra: true },
    ]
    for (const sample of samples) {
      expect(isConnectRefusal(sample), JSON.stringify(sample)).toBe(
        parse(ConnectErrorData, sample).ok,
      )
    }
  })
})
