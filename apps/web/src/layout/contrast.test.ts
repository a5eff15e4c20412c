import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { AVATAR_COLORS } from './people.js'

// WCAG AA, computed from the tokens themselves in both themes (axe checks the text it can see
// in the page; it cannot judge a status ring on the floor, or the theme it is not shown).
// Text needs 4.5:1 on what it is drawn on; graphics that carry meaning (status rings and
// badges, the flares' rings and edges, lines on the floor) need 3:1 (WCAG 1.4.11).

// jsdom's URL is not Node's: find the file from this one's path
const css = readFileSync(
  path.join(path.dirname(new URL(import.meta.url).pathname), '../styles.css'),
  'utf8',
)
const root = css.slice(css.indexOf(':root {'), css.indexOf('}', css.indexOf(':root {')))

type Theme = 'light' | 'dark'

/** Every colour token of `:root`, as [light, dark]. */
const tokens = new Map<string, [string, string]>()
for (const [, name, value] of root.matchAll(/--([\w-]+):\s*([^;]+);/g)) {
  const pair = value?.match(/^light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)$/i)
  if (name && pair?.[1] && pair[2]) tokens.set(name, [pair[1], pair[2]])
  else if (name && value && /^#[0-9a-f]{6}$/i.test(value)) tokens.set(name, [value, value])
}

function colour(name: string, theme: Theme): string {
  if (name.startsWith('#')) return name
  const pair = tokens.get(name)
  if (!pair) throw new Error(`no colour token --${name}`)
  return theme === 'light' ? pair[0] : pair[1]
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0)
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)]
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05)
}

/** The pairs below `minimum` in either theme, as readable lines. */
function failures(pairs: ReadonlyArray<[string, string]>, minimum: number): string[] {
  return pairs.flatMap(([fg, bg]) =>
    (['light', 'dark'] as const).flatMap((theme) => {
      const ratio = contrast(colour(fg, theme), colour(bg, theme))
      return ratio < minimum ? [`${theme}: ${fg} on ${bg} = ${ratio.toFixed(2)}`] : []
    }),
  )
}

const SURFACES = ['bg', 'surface', 'surface-2']
/** Where avatars, pop-ups and flares are drawn. */
const FLOORS = ['floor', 'zone-team', 'zone-open', 'zone-lounge', 'zone-kitchen', 'room-floor']
const on = (fgs: string[], bgs: string[]): Array<[string, string]> =>
  fgs.flatMap((fg) => bgs.map((bg): [string, string] => [fg, bg]))

describe('colour contrast of the tokens, in both themes', () => {
  it('[10.4] text is at least 4.5:1 on everything it is drawn on', () => {
    const pairs: Array<[string, string]> = [
      ...on(['text', 'muted', 'accent-text'], SURFACES),
      ...on(['text', 'muted'], ['hand-bg', 'urgent-bg', 'ticket-bg', 'info-bg', 'note-bg']),
      ...on(
        ['ok-text', 'busy-text', 'away-text', 'danger', 'ticket-text', 'urgent-text'],
        ['surface'],
      ),
      ['urgent-text', 'urgent-bg'],
      ['ticket-text', 'ticket-bg'],
      ['accent-text', 'hand-bg'],
      ['accent-text', 'urgent-bg'],
      // names and notes under avatars (drawn with a halo of the floor's colour)
      ...on(['text', 'muted', 'busy-text', 'away-text', 'accent-text'], ['floor', 'name-halo']),
      ...on(['zone-label'], FLOORS),
      // words on filled shapes: buttons, tags, pop-ups, flares
      ['on-accent', 'accent'],
      ['on-hand', 'hand'],
      ['on-urgent', 'urgent'],
      ['on-ticket', 'ticket'],
    ]
    expect(failures(pairs, 4.5)).toEqual([])
  })

  it('[10.4] status rings and badges, flares and lines are at least 3:1 on every floor', () => {
    const pairs: Array<[string, string]> = [
      ...on(
        ['ok', 'busy', 'away', 'ticket-ring', 'accent-line', 'hand-edge', 'urgent-edge'],
        [...FLOORS, 'surface'],
      ),
      // the badge's glyph (tick, bar, moon) on its status colour
      ['#ffffff', 'ok'],
      ['#ffffff', 'busy'],
      ['on-away', 'away'],
      ...on(['focus'], [...SURFACES, 'floor']),
    ]
    expect(failures(pairs, 3)).toEqual([])
  })

  it('[10.4] white initials read on every avatar colour', () => {
    const weak = AVATAR_COLORS.filter((c) => contrast('#ffffff', c) < 4.5)
    expect(weak).toEqual([])
  })

  it('reads the tokens it checks (a renamed token fails here, not silently)', () => {
    expect(tokens.size).toBeGreaterThan(40)
    expect(tokens.get('away')).toEqual(['#9a6a00', '#d99a00'])
  })
})
