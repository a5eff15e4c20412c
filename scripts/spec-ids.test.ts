import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Every spec id the repository cites must be defined in docs/SPEC.md, so a test title like
// `[6.3.2]` or a comment like `SPEC §6.3.4` always points at a rule that exists.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SPEC_FILE = 'docs/SPEC.md'
const SCANNED = ['apps', 'packages', 'e2e', 'bench', 'scripts', 'docs', 'README.md']
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'data', 'test-output', 'screenshots'])
const SOURCE = /\.(?:ts|tsx|mts|mjs|md)$/
// this file names made-up ids on purpose, to show what is refused
const SELF = path.relative(ROOT, fileURLToPath(import.meta.url))

const ID = String.raw`\d+(?:\.\d+)*`
const HEADING = new RegExp(String.raw`^#{2,4}\s+(${ID})\.?\s`, 'gm')
const BOLD_ID = new RegExp(String.raw`\*\*\[(${ID})\]\*\*`, 'g')
// `§6.3.4`, `§6.3-6.4`, `§6.3.2–3`, `§5–§7`
const SECTION_SIGN = new RegExp(String.raw`§\s?(${ID})(?:\s?[-–]\s?§?(${ID}))?`, 'g')
const SPEC_WORD = new RegExp(String.raw`\bSPEC\s+(${ID})\b`, 'g')
// the first argument of a call in a test file that starts with ids: it('[6.3.2] …'),
// describe("[1] …"), it.each(…)(`[6.1] …`)
const TITLE = new RegExp(String.raw`\(\s*['"\x60]((?:\[${ID}\]\s*)+)`, 'g')
const TITLE_ID = new RegExp(String.raw`\[(${ID})\]`, 'g')

interface Citation {
  file: string
  line: number
  id: string
}

/** The ids docs/SPEC.md defines: numbered headings and bold ids such as **[6.3.2]**. */
function definedIds(spec: string): string[] {
  return [...spec.matchAll(HEADING), ...spec.matchAll(BOLD_ID)].map((m) => m[1]!)
}

/** Every id a range names: `6.3.2`–`3` is 6.3.2 and 6.3.3; `5`–`7` is 5, 6 and 7. */
function expandRange(start: string, end: string | undefined): string[] {
  if (end === undefined) return [start]
  const from = start.split('.')
  let to = end.split('.')
  // a short end replaces the last parts of the start: `6.3.2-3` ends at 6.3.3
  if (to.length < from.length) to = [...from.slice(0, from.length - to.length), ...to]
  const samePrefix =
    to.length === from.length && from.slice(0, -1).join('.') === to.slice(0, -1).join('.')
  const first = Number(from.at(-1))
  const last = Number(to.at(-1))
  if (!samePrefix || last < first || last - first > 20) return [start, to.join('.')]
  const prefix = from.slice(0, -1)
  const ids: string[] = []
  for (let n = first; n <= last; n += 1) ids.push([...prefix, String(n)].join('.'))
  return ids
}

function lineOf(text: string, index: number): number {
  let line = 1
  for (let i = 0; i < index; i += 1) if (text.charCodeAt(i) === 10) line += 1
  return line
}

function isTestFile(file: string): boolean {
  return /\.test\.tsx?$/.test(file) || file.startsWith('e2e/')
}

/** The ids one file cites: `§x.y` and `SPEC x.y` anywhere, `[x.y]` at the start of test titles. */
function citationsIn(file: string, text: string): Citation[] {
  const found: Citation[] = []
  const add = (index: number, ids: string[]) => {
    const line = lineOf(text, index)
    for (const id of ids) found.push({ file, line, id })
  }
  for (const m of text.matchAll(SECTION_SIGN)) add(m.index, expandRange(m[1]!, m[2]))
  for (const m of text.matchAll(SPEC_WORD)) add(m.index, [m[1]!])
  if (isTestFile(file)) {
    for (const m of text.matchAll(TITLE)) {
      add(
        m.index,
        [...m[1]!.matchAll(TITLE_ID)].map((t) => t[1]!),
      )
    }
  }
  return found
}

function filesUnder(relative: string): string[] {
  const absolute = path.join(ROOT, relative)
  const entries = readdirSync(absolute, { withFileTypes: true })
  return entries.flatMap((entry) => {
    const child = path.posix.join(relative, entry.name)
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : filesUnder(child)
    return SOURCE.test(entry.name) ? [child] : []
  })
}

function repositoryFiles(): string[] {
  return SCANNED.flatMap((entry) => (SOURCE.test(entry) ? [entry] : filesUnder(entry))).filter(
    (file) => file !== SELF,
  )
}

describe('[9] spec ids', () => {
  const spec = readFileSync(path.join(ROOT, SPEC_FILE), 'utf8')
  const defined = definedIds(spec)
  const known = new Set(defined)
  const citations = repositoryFiles().flatMap((file) =>
    citationsIn(file, readFileSync(path.join(ROOT, file), 'utf8')),
  )

  it('[9] docs/SPEC.md numbers its twelve sections and defines each id once', () => {
    for (let section = 1; section <= 12; section += 1) expect(known).toContain(String(section))
    const twice = defined.filter((id, index) => defined.indexOf(id) !== index)
    expect(twice).toEqual([])
    const orphans = defined.filter((id) => id.includes('.') && !known.has(parentOf(id)))
    expect(orphans).toEqual([])
    expect(defined.length).toBeGreaterThan(100)
  })

  it('[9] every id cited in code, tests, README and docs is defined in docs/SPEC.md', () => {
    const missing = citations
      .filter((c) => !known.has(c.id))
      .map((c) => `${c.file}:${c.line} cites ${c.id}, which ${SPEC_FILE} does not define`)
    expect(missing).toEqual([])
  })

  it('[9] finds the citations it checks, so it cannot pass by matching nothing', () => {
    const titles = citations.filter((c) => isTestFile(c.file) && !c.file.endsWith('.md'))
    const files = new Set(citations.map((c) => c.file))
    expect(titles.length).toBeGreaterThan(100)
    expect(citations.length - titles.length).toBeGreaterThan(30)
    expect(files.size).toBeGreaterThan(30)
    expect(new Set(citations.map((c) => c.id))).toContain('6.3.2')
  })

  it('[9] reads ranges, lists and titles as the repository writes them', () => {
    expect(citationsIn('a.ts', '// SPEC §6.3.2-3 and §5–§7, SPEC 6.4').map((c) => c.id)).toEqual([
      '6.3.2',
      '6.3.3',
      '5',
      '6',
      '7',
      '6.4',
    ])
    expect(citationsIn('x.test.ts', "it('[2][3] a', () => {})\nit(`[6.3.2] [6.3.3] b`)")).toEqual([
      { file: 'x.test.ts', line: 1, id: '2' },
      { file: 'x.test.ts', line: 1, id: '3' },
      { file: 'x.test.ts', line: 2, id: '6.3.2' },
      { file: 'x.test.ts', line: 2, id: '6.3.3' },
    ])
    // array indexes and titles outside test files are not citations
    expect(citationsIn('x.test.ts', 'const first = rows[0]; foo(rows[1])')).toEqual([])
    expect(citationsIn('x.ts', "it('[99] not a test file')")).toEqual([])
    expect(
      citationsIn('x.test.ts', "it('[99.1] made up')").filter((c) => !known.has(c.id)),
    ).toEqual([{ file: 'x.test.ts', line: 1, id: '99.1' }])
  })
})

function parentOf(id: string): string {
  return id.slice(0, id.lastIndexOf('.'))
}
