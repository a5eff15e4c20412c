import type { EscalationDto, MemberPresence } from '@flare/protocol/client'
import { mapLabelOf, STATUS_WORD } from '../layout/people.js'
import { firstName } from '../layout/words.js'

/**
 * The names and notes under avatars on the map, fitted so that neighbours' labels never run
 * into each other: people at neighbouring desks (or an approacher beside a raiser) stand closer
 * than a full name is wide. Widths are the map's own units (the labels zoom with the map).
 */

/** Where a label's top is, below the avatar's centre (its ring of 25 and a little air). */
export const LABEL_TOP = 32
/**
 * The two label fonts as `.name-label` and `.note-label` draw them (in map units), with about
 * how wide a character is where text cannot be measured (tests; the measure is the browser's).
 */
const FONTS = {
  name: { css: '650 16px', perChar: 9.6 },
  // a note is 600, or 700 when it says what someone is doing: measured at the wider
  note: { css: '700 13px', perChar: 7.8 },
} as const
export type LabelFont = keyof typeof FONTS
/** Kept clear between one label and the next. */
const LABEL_GAP = 8
/** Avatars whose centres are this close vertically have labels on the same line. */
const SAME_LINE = 36
/** No label is longer than this, whatever the room: a lone person's label needs no fitting. */
const WIDEST = 240
/** The smallest a name is drawn on screen, in CSS pixels, where the map can make room. */
const SMALLEST_NAME_PX = 12
/** How much larger than the map's own size labels may be drawn on a small map. */
const MOST_ENLARGED = 1.6

/**
 * How much larger than their size at a scale of 1 the labels are drawn on a map shown at
 * `scale` (screen pixels a map unit): a fitted map on a tablet is drawn at about half size,
 * where 16-unit names would be 9 px; they grow to 12 px (at most 1.6 times), and fitting to
 * neighbours (`labelRooms`, `mapLabelTexts`) counts their larger size.
 */
export function labelScaleFor(scale: number): number {
  if (!(scale > 0)) return 1
  return Math.min(MOST_ENLARGED, Math.max(1, SMALLEST_NAME_PX / (16 * scale)))
}

let measure: OffscreenCanvasRenderingContext2D | null | undefined
const measured = new Map<string, number>()

/** The page's own font family, as the labels inherit it. */
function pageFont(): string {
  return getComputedStyle(document.body).fontFamily || 'sans-serif'
}

/**
 * How wide `text` is drawn in `font`, in map units: measured by the browser's own text
 * layout (once a text; a floor's names are few), else estimated from its characters.
 */
export function labelWidth(text: string, font: LabelFont): number {
  if (measure === undefined) {
    measure =
      typeof OffscreenCanvas === 'undefined' || typeof document === 'undefined'
        ? null
        : new OffscreenCanvas(1, 1).getContext('2d')
  }
  if (!measure) return [...text].length * FONTS[font].perChar
  const key = `${font}|${text}`
  let width = measured.get(key)
  if (width === undefined) {
    measure.font = `${FONTS[font].css} ${pageFont()}`
    width = measure.measureText(text).width
    if (measured.size > 5_000) measured.clear()
    measured.set(key, width)
  }
  return width
}

/**
 * How wide each person's label may be drawn (centred under them) before it reaches a
 * neighbour's, in the labels' own units (as at a scale of 1: divided by `labelScale`, how
 * much larger they are drawn): the distance to the nearest avatar on the same line, less a
 * gap, as their neighbour's label gets the same share; `WIDEST` when nobody is that close.
 * Sorted by x and scanned only as far as `WIDEST`, so thousands of people cost little.
 */
export function labelRooms(
  people: ReadonlyArray<{ userId: string; x: number; y: number }>,
  labelScale = 1,
): Map<string, number> {
  const reach = (WIDEST + LABEL_GAP) * labelScale
  const line = SAME_LINE * labelScale
  const byX = [...people].sort((a, b) => a.x - b.x)
  const nearest = new Map<string, number>()
  for (const p of byX) nearest.set(p.userId, reach)
  for (let i = 0; i < byX.length; i++) {
    const a = byX[i]
    if (!a) continue
    for (let j = i + 1; j < byX.length; j++) {
      const b = byX[j]
      if (!b) continue
      const dx = b.x - a.x
      if (dx >= reach) break
      if (Math.abs(b.y - a.y) >= line) continue
      if (dx < (nearest.get(a.userId) ?? 0)) nearest.set(a.userId, dx)
      if (dx < (nearest.get(b.userId) ?? 0)) nearest.set(b.userId, dx)
    }
  }
  return new Map([...nearest].map(([id, dx]) => [id, Math.max(0, dx / labelScale - LABEL_GAP)]))
}

/**
 * The first of `forms` (longest first) that fits in `room`; else the last, cut with an
 * ellipsis to fit (at least its first character).
 */
export function fitLabel(forms: readonly string[], room: number, font: LabelFont): string {
  for (const form of forms) if (labelWidth(form, font) <= room) return form
  const last = [...(forms[forms.length - 1] ?? '')]
  for (let keep = last.length - 1; keep > 1; keep--) {
    const cut = `${last.slice(0, keep).join('')}…`
    if (labelWidth(cut, font) <= room) return cut
  }
  return last.length <= 1 ? last.join('') : `${last[0]}…`
}

/** A name under an avatar: `Fatima Khan` (long ones `Fatima K.`), else `Fatima`, else `Fat…`. */
export function fittedName(displayName: string, room: number): string {
  const forms = [mapLabelOf(displayName), firstName(displayName)]
  return fitLabel(forms, room, 'name')
}

/** What someone is doing about a hand, under their name: `approaching Dana`, else `approaching`. */
export function fittedDoing(action: 'approach' | 'chat', raiserName: string, room: number): string {
  const verb = action === 'approach' ? 'approaching' : 'chatting'
  const forms = [`${action === 'approach' ? verb : 'chatting with'} ${firstName(raiserName)}`, verb]
  return fitLabel(forms, room, 'note')
}

/** What a member is doing about someone's raised hand, shown under their name on the map. */
export interface Activity {
  action: 'approach' | 'chat'
  raiserName: string
}

/** Who is approaching or chatting with whom, from the active escalations' responses. */
export function activities(escalations: readonly EscalationDto[], nameOf: (id: string) => string) {
  const byResponder = new Map<string, Activity>()
  for (const e of escalations) {
    for (const r of e.responses) {
      // approaching says more than chatting: it wins when someone did both
      if (byResponder.get(r.userId)?.action === 'approach') continue
      byResponder.set(r.userId, { action: r.action, raiserName: nameOf(e.raisedBy) })
    }
  }
  return byResponder
}

/** What the map writes under a person: their name and, when there is one, a note under it. */
export interface MapLabelTexts {
  name: string
  /** What they are doing about a hand, else a status that is not the usual; null: nothing. */
  note: string | null
  /** The note says what they are doing about a hand (drawn in the accent). */
  doing: boolean
}

/** The name and note under `member`, fitted to `room` (`labelRooms`). */
export function mapLabelTexts(
  member: MemberPresence,
  activity: Activity | null,
  room: number,
): MapLabelTexts {
  const name = fittedName(member.displayName, room)
  if (activity) {
    return { name, note: fittedDoing(activity.action, activity.raiserName, room), doing: true }
  }
  const note =
    member.status === 'available' ? null : fitLabel([STATUS_WORD[member.status]], room, 'note')
  return { name, note, doing: false }
}
