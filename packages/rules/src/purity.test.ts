import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = import.meta.dirname

/** The package's own source: everything under src/ except tests and their helpers. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'test' ? [] : sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\b/, 'reads the clock (Date.now)'],
  [/new Date\(\s*\)/, 'reads the clock (new Date())'],
  [/\bMath\.random\b/, 'uses randomness'],
  [/\bset(Timeout|Interval|Immediate)\b/, 'uses a timer'],
  [/\bprocess\./, 'reads the process'],
  [/\bperformance\.now\b/, 'reads the clock (performance.now)'],
]

function importsOf(source: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = []
  const pattern =
    /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm
  for (const match of source.matchAll(pattern)) {
    const specifier = match[3] ?? match[4] ?? match[5]!
    found.push({ specifier, typeOnly: match[2] !== undefined })
  }
  return found
}

describe('packages/rules is pure', () => {
  const files = sourceFiles(SRC)

  it('has source files to check', () => {
    expect(files.map((file) => relative(SRC, file))).toContain('evaluate.ts')
  })

  it.each(files.map((file) => [relative(SRC, file), file]))(
    '%s reads no clock, draws no random number, sets no timer',
    (_, file) => {
      const source = readFileSync(file, 'utf8')
      for (const [pattern, what] of FORBIDDEN) {
        expect(pattern.test(source), `${what}`).toBe(false)
      }
    },
  )

  it.each(files.map((file) => [relative(SRC, file), file]))(
    '%s imports only relative files and @flare/protocol types',
    (_, file) => {
      for (const { specifier, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
        const allowed =
          specifier.startsWith('./') || specifier.startsWith('../')
            ? true
            : specifier === '@flare/protocol' && typeOnly
        expect(allowed, `imports ${specifier}${typeOnly ? ' (types)' : ''}`).toBe(true)
      }
    },
  )

  it('the checks catch what they look for', () => {
    expect(FORBIDDEN.some(([p]) => p.test('const t = Date.now()'))).toBe(true)
    expect(FORBIDDEN.some(([p]) => p.test('const t = new Date()'))).toBe(true)
    expect(FORBIDDEN.some(([p]) => p.test('const t = new Date(ms)'))).toBe(false)
    expect(importsOf("import { readFileSync } from 'node:fs'")).toEqual([
      { specifier: 'node:fs', typeOnly: false },
    ])
    expect(importsOf("import { parse } from '@flare/protocol'")[0]?.typeOnly).toBe(false)
    expect(importsOf("import type { Rule } from '@flare/protocol'")[0]?.typeOnly).toBe(true)
  })
})
