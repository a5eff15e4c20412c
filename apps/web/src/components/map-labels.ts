import type { EscalationDto, MemberPresence } from '@flare/protocol/client'
import { mapLabelOf, STATUS_WORD } from '../layout/people.js'
import { firstName } from '../layout/words.js'

/**
 * The names and notes under avatars on the map, fitted so that neighbours' labels never run
 * into each other: people at neighbouring desks (or an approacher beside a raiser) stand closer
 * than a full name is wide. Widths are the map's own units (the labels zoom with the map).
 */

/** About how wide a character of the 16 px name is drawn (`.name-label`, weight 650). */
export const NAME_CHAR_WIDTH = 9
/** About how wide a character of the 13 px note under it is drawn (`.note-label`). */
export const NOTE_CHAR_WIDTH = 7.4
/** Kept clear between one label and the next. */
const LABEL_GAP = 8
/** Avatars whose centres are this close vertically have labels on the same line. */
const SAME_LINE = 36
/** No label is longer than this, whatever the room: a lone person's label needs no fitting. */
const WIDEST = 240

/** How wide `text` is drawn at `charWidth` a character (its grapheme count, roughly). */
export function labelWidth(text: string, charWidth: number): number {
  return [...text].length * charWidth
}

/**
 * How wide each person's label may be drawn (centred under them) before it reaches a
 * neighbour's: the distance to the nearest avatar on the same line, less a gap, as their
 * neighbour's label gets the same share; `WIDEST` when nobody is that close. Sorted by x and
 * scanned only as far as `WIDEST`, so thousands of people cost little.
 */
export function labelRooms(
  people: ReadonlyArray<{ userId: string; x: number; y: number }>,
): Map<string, number> {
  const byX = [...people].sort((a, b) => a.x - b.x)
  const nearest = new Map<string, number>()
  for (const p of byX) nearest.set(p.userId, WIDEST + LABEL_GAP)
  for (let i = 0; i < byX.length; i++) {
    const a = byX[i]
    if (!a) continue
    for (let j = i + 1; j < byX.length; j++) {
      const b = byX[j]
      if (!b) continue
      const dx = b.x - a.x
      if (dx >= WIDEST + LABEL_GAP) break
      if (Math.abs(b.y - a.y) >= SAME_LINE) continue
      if (dx < (nearest.get(a.userId) ?? 0)) nearest.set(a.userId, dx)
      if (dx < (nearest.get(b.userId) ?? 0)) nearest.set(b.userId, dx)
    }
  }
  return new Map([...nearest].map(([id, dx]) => [id, Math.max(0, dx - LABEL_GAP)]))
}

/**
 * The first of `forms` (longest first) that fits in `room`; else the last, cut with an
 * ellipsis to fit (at least its first character).
 */
export function fitLabel(forms: readonly string[], room: number, charWidth: number): string {
  for (const form of forms) if (labelWidth(form, charWidth) <= room) return form
  const last = [...(forms[forms.length - 1] ?? '')]
  const keep = Math.max(1, Math.floor(room / charWidth) - 1)
  return last.length <= keep ? last.join('') : `${last.slice(0, keep).join('')}…`
}

/** A name under an avatar: `Fatima Khan` (long ones `Fatima K.`), else `Fatima`, else `Fat…`. */
export function fittedName(displayName: string, room: number): string {
  const forms = [mapLabelOf(displayName), firstName(displayName)]
  return fitLabel(forms, room, NAME_CHAR_WIDTH)
}

/** What someone is doing about a hand, under their name: `approaching Dana`, else `approaching`. */
export function fittedDoing(action: 'approach' | 'chat', raiserName: string, room: number): string {
  const verb = action === 'approach' ? 'approaching' : 'chatting'
  const forms = [`${action === 'approach' ? verb : 'chatting with'} ${firstName(raiserName)}`, verb]
  return fitLabel(forms, room, NOTE_CHAR_WIDTH)
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
    member.status === 'available'
      ? null
      : fitLabel([STATUS_WORD[member.status]], room, NOTE_CHAR_WIDTH)
  return { name, note, doing: false }
}
