import { LABEL_TOP, type LabelFont, labelWidth } from '../components/map-labels.js'

/** A rectangle on the stage, in pixels: `left < right`, `top < bottom` (y grows downwards). */
export interface Box {
  left: number
  right: number
  top: number
  bottom: number
}

/** A pop-up to place: its raiser's centre on the stage and the pop-up's drawn width, in pixels. */
export interface PopupToPlace {
  id: string
  x: number
  y: number
  width: number
  /** Lines of text in its body: 1, or 2 with a line saying who is responding. */
  lines?: number
}

/** Where a pop-up goes: lifted `lift` px above its usual place, its body moved `shift` px sideways. */
export interface PopupPlace {
  lift: number
  shift: number
}

export interface PopupGeometry {
  /** From the raiser's centre up to the pointer's tip (the avatar's ring and a little air). */
  tipAbove: number
  /** The pointer, from the body's bottom edge down to its tip. */
  pointer: number
  /** The body's height (one line of text). */
  bodyHeight: number
  /** What each further line of text adds to the body's height. */
  lineHeight: number
  /** One step of lifting: a body's height and a gap. */
  rowHeight: number
}

/** How the map draws a pop-up at a scale of 1 (CSS pixels: the body does not zoom). */
export const POPUP_GEOMETRY: PopupGeometry = {
  tipAbove: 30,
  pointer: 9,
  bodyHeight: 30,
  lineHeight: 16,
  rowHeight: 34,
}

const LIFTS = [0, 1, 2, 3, 4]
/** Kept between the pointer and the body's rounded end, so the pointer never leaves the body. */
const POINTER_MARGIN = 18

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left)
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)
  return w > 0 && h > 0 ? w * h : 0
}

function area(box: Box): number {
  return (box.right - box.left) * (box.bottom - box.top)
}

/**
 * What a stem (a thin line) passing through `box` costs: as much as covering the box's whole
 * width for the height it passes, since a line through a face spoils it as much as a cover.
 */
function crossing(stem: Box, box: Box): number {
  const across = Math.min(stem.right, box.right) - Math.max(stem.left, box.left)
  const h = Math.min(stem.bottom, box.bottom) - Math.max(stem.top, box.top)
  return across > 0 && h > 0 ? h * (box.right - box.left) : 0
}

function crossingAll(stem: Box, others: readonly Box[]): number {
  let sum = 0
  for (const other of others) sum += crossing(stem, other)
  return sum
}

function overlapWithAll(box: Box, others: readonly Box[]): number {
  let sum = 0
  for (const other of others) sum += overlap(box, other)
  return sum
}

/**
 * The body and the stem (the line from a lifted body down to the pointer's tip) of a pop-up
 * placed at `place`, in stage pixels. `tipAbove` is already scaled to the stage.
 */
export function popupBoxes(
  popup: PopupToPlace,
  place: PopupPlace,
  geometry: PopupGeometry,
  tipAbove: number,
): { body: Box; stem: Box | null } {
  const tip = popup.y - tipAbove
  const bottom = tip - geometry.pointer - place.lift
  const left = popup.x - popup.width / 2 + place.shift
  const height = geometry.bodyHeight + ((popup.lines ?? 1) - 1) * geometry.lineHeight
  return {
    body: { left, right: left + popup.width, top: bottom - height, bottom },
    stem:
      place.lift > 0
        ? { left: popup.x - 1, right: popup.x + 1, top: bottom, bottom: tip - geometry.pointer }
        : null,
  }
}

/**
 * Places the raised hands' pop-ups over the map, oldest first, so that none covers another
 * pop-up or another's stem, and each covers as little as it can of the avatars and name labels
 * around it (`obstacles`), inside the `stage` where it can. Each pop-up stays above its raiser
 * with its pointer on them; it may be lifted a row or more (a stem then leads down) and its
 * body moved sideways (the pointer stays over the raiser). Among equal places the lowest and
 * most centred wins.
 *
 * @example
 * placePopups([{ id, x: 300, y: 400, width: 180 }], [], stage, POPUP_GEOMETRY, 1)
 * // Map { id => { lift: 0, shift: 0 } }
 */
export function placePopups(
  popups: readonly PopupToPlace[],
  obstacles: readonly Box[],
  stage: Box,
  geometry: PopupGeometry,
  scale: number,
): Map<string, PopupPlace> {
  const tipAbove = geometry.tipAbove * scale
  interface Placed {
    place: PopupPlace
    body: Box
    stem: Box | null
    /** How much it covers of other pop-ups or their stems (0: nothing). */
    clash: number
    /** How much of anyone its stem passes through (0: nobody). */
    crossed: number
    cost: number
  }

  // each pop-up weighs only the people it could cover (a space may have thousands)
  const near = new Map<PopupToPlace, Box[]>()
  for (const popup of popups) {
    const reachable: Box = {
      left: popup.x - popup.width,
      right: popup.x + popup.width,
      top:
        popup.y -
        tipAbove -
        geometry.pointer -
        (LIFTS.length - 1) * geometry.rowHeight -
        geometry.bodyHeight -
        ((popup.lines ?? 1) - 1) * geometry.lineHeight,
      bottom: popup.y - tipAbove,
    }
    near.set(
      popup,
      obstacles.filter((o) => overlap(o, reachable) > 0),
    )
  }

  /** The best place for `popup` among `others` already placed. */
  function best(popup: PopupToPlace, others: readonly Placed[]): Placed {
    const people = near.get(popup) ?? []
    const reach = Math.max(0, popup.width / 2 - POINTER_MARGIN)
    const shifts = [0, -reach / 2, reach / 2, -reach, reach]
    let chosen: Placed | null = null
    for (const level of LIFTS) {
      for (const shift of shifts) {
        const place = { lift: level * geometry.rowHeight, shift }
        const { body, stem } = popupBoxes(popup, place, geometry, tipAbove)
        let clash = 0
        for (const other of others) {
          clash += overlap(body, other.body)
          if (other.stem) clash += overlap(body, other.stem)
          if (stem) clash += overlap(stem, other.body)
        }
        const crossed = stem ? crossingAll(stem, people) : 0
        const cost =
          // another pop-up or its stem: never, whatever else it costs
          1_000 * clash +
          // cut off by the stage's edge
          100 * (area(body) - overlap(body, stage)) +
          // people and their names: as little as may be; a stem through someone is as bad as
          // covering them
          10 * overlapWithAll(body, people) +
          10 * crossed +
          place.lift +
          Math.abs(shift) / 4
        if (!chosen || cost < chosen.cost) chosen = { place, body, stem, clash, crossed, cost }
      }
    }
    if (!chosen) throw new Error('no place tried')
    return chosen
  }

  /**
   * Places the pop-ups in `order`, each round those placed before it; then, while any clashes,
   * each again round all the others (an older pop-up may stand where a younger one's stem must
   * go, and it is the older one that has to move).
   */
  function layout(order: readonly number[]): Placed[] {
    const placed: Placed[] = new Array(popups.length)
    const done: Placed[] = []
    for (const i of order) {
      const popup = popups[i]
      if (!popup) continue
      placed[i] = best(popup, done)
      done.push(placed[i])
    }
    for (let round = 0; round < 4 && placed.some((p) => p.clash > 0); round++) {
      for (const i of order) {
        const popup = popups[i]
        if (popup)
          placed[i] = best(
            popup,
            placed.filter((_, j) => j !== i),
          )
      }
    }
    return placed
  }

  const oldestFirst = popups.map((_, i) => i)
  const orders =
    popups.length > 12
      ? [oldestFirst]
      : [
          oldestFirst,
          // the widest first (they have the fewest places), then from either side
          [...oldestFirst].sort((a, b) => (popups[b]?.width ?? 0) - (popups[a]?.width ?? 0)),
          [...oldestFirst].sort((a, b) => (popups[a]?.x ?? 0) - (popups[b]?.x ?? 0)),
          [...oldestFirst].sort((a, b) => (popups[b]?.x ?? 0) - (popups[a]?.x ?? 0)),
        ]
  let placed: Placed[] = []
  let least = Number.POSITIVE_INFINITY
  for (const order of orders) {
    const tried = layout(order)
    const clash = tried.reduce((sum, p) => sum + p.clash, 0)
    const crossed = tried.reduce((sum, p) => sum + p.crossed, 0)
    const cost = tried.reduce((sum, p) => sum + p.cost, 0)
    const total = clash * 1_000_000 + cost
    if (total < least) {
      least = total
      placed = tried
    }
    if (clash === 0 && crossed === 0 && order === oldestFirst) break
  }
  return new Map(popups.map((popup, i) => [popup.id, placed[i]?.place ?? { lift: 0, shift: 0 }]))
}

/**
 * What a member takes on the stage (their avatar's ring, their name under it and, when they
 * have one, the note under that), for pop-ups to keep off. `x`, `y` are the member's centre
 * on the stage; `name` and `note` as the map draws them (`mapLabelTexts`); sizes are the map's
 * own (`FloorMap`'s ring of 25, a 16 px name and a 13 px note from `LABEL_TOP` down, each
 * `enlarged` as on a small map, `labelScaleFor`), scaled.
 */
export function memberBoxes(
  member: { x: number; y: number; name: string; note: string | null },
  scale: number,
  enlarged = 1,
): Box[] {
  const ring = 25 * scale
  const half = (text: string, font: LabelFont) =>
    ((labelWidth(text, font) * enlarged + 10) / 2) * scale
  const top = member.y + LABEL_TOP * scale
  const nameBottom = top + 19 * enlarged * scale
  const name = half(member.name, 'name')
  const boxes: Box[] = [
    {
      left: member.x - ring,
      right: member.x + ring,
      top: member.y - ring,
      bottom: member.y + ring,
    },
    { left: member.x - name, right: member.x + name, top, bottom: nameBottom },
  ]
  if (member.note) {
    const note = half(member.note, 'note')
    boxes.push({
      left: member.x - note,
      right: member.x + note,
      top: nameBottom,
      bottom: nameBottom + 15 * enlarged * scale,
    })
  }
  return boxes
}

/** Which way a raiser outside the part of the map on show is, from that part. */
export type OffSide = 'left' | 'right' | 'up' | 'down'

/**
 * A pin at the edge of the part of the map on show, pointing to a raiser beyond it: `x`, `y`
 * the middle of its side that stands against the edge `side` names.
 */
export interface EdgePin {
  id: string
  x: number
  y: number
  side: OffSide
}

/** Kept between a pin and the edge of the part on show it stands at. */
const PIN_GAP = 6
/** Kept between a pin's middle and the ends of its edge: half a pin, tall or wide. */
const PIN_HALF = { across: 20, along: 56 }
/** A pin's height (or width) and a gap: pins on one edge closer than this are moved apart. */
const PIN_STEP = { y: 38, x: 120 }

/**
 * Pins for the raisers a zoomed map does not show (a phone shows a part of the floor round
 * you): each at the edge of the part on show nearest its raiser (`x`, `y`: the middle of the
 * pin's side against that edge), saying which way the raiser is; pins on one edge that would
 * overlap are moved apart along it. Raisers whose centre is on show get no pin (their pop-up
 * shows). In stage pixels.
 *
 * @example
 * edgePins([{ id, x: -200, y: 300 }], { left: 0, top: 0, right: 390, bottom: 400 })
 * // [{ id, x: 6, y: 300, side: 'left' }]
 */
export function edgePins(
  raisers: ReadonlyArray<{ id: string; x: number; y: number }>,
  shown: Box,
): EdgePin[] {
  const clamp = (v: number, low: number, high: number) =>
    low > high ? (low + high) / 2 : Math.min(high, Math.max(low, v))
  const pins: EdgePin[] = []
  for (const r of raisers) {
    const inside =
      r.x >= shown.left && r.x <= shown.right && r.y >= shown.top && r.y <= shown.bottom
    if (inside) continue
    if (r.x < shown.left || r.x > shown.right) {
      const side = r.x < shown.left ? 'left' : 'right'
      pins.push({
        id: r.id,
        side,
        x: side === 'left' ? shown.left + PIN_GAP : shown.right - PIN_GAP,
        y: clamp(r.y, shown.top + PIN_HALF.across, shown.bottom - PIN_HALF.across),
      })
    } else {
      const side = r.y < shown.top ? 'up' : 'down'
      pins.push({
        id: r.id,
        side,
        x: clamp(r.x, shown.left + PIN_HALF.along, shown.right - PIN_HALF.along),
        y: side === 'up' ? shown.top + PIN_GAP : shown.bottom - PIN_GAP,
      })
    }
  }
  // on one edge, in order along it, each at least a step from the one before
  for (const side of ['left', 'right', 'up', 'down'] as const) {
    const along = side === 'left' || side === 'right' ? 'y' : 'x'
    const onEdge = pins.filter((p) => p.side === side).sort((a, b) => a[along] - b[along])
    for (let i = 1; i < onEdge.length; i++) {
      const before = onEdge[i - 1]
      const pin = onEdge[i]
      if (before && pin && pin[along] - before[along] < PIN_STEP[along]) {
        pin[along] = before[along] + PIN_STEP[along]
      }
    }
  }
  return pins
}
