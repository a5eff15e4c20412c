// Where someone who Approaches a raised hand stands (SPEC §3.7): beside the raiser, so the two
// avatars and the names drawn under them never overlap, and never in the strip right above the
// raiser, where the hand's pop-up is drawn. Pure: the space hub passes who stands where.

/** The room an avatar and its labels take on the map, in world units, around its centre. */
export const AVATAR_CLEARANCE = {
  /** Half the widest name label (11 characters at 16 px; longer names are shortened). */
  halfWidth: 50,
  /** From the ring's top (31 above the centre) to the note under the name (66 below). */
  above: 31,
  below: 66,
} as const

/** One step beside a raiser: a desk's width, so the approacher stands at the next desk. */
export const BESIDE = 108
/** One step below: clear of the raiser's name and note. */
export const BELOW = AVATAR_CLEARANCE.above + AVATAR_CLEARANCE.below + 3

/** Beside first, then below, then the diagonals; never straight above (the pop-up is there). */
const NEAREST: ReadonlyArray<readonly [number, number]> = [
  [BESIDE, 0],
  [-BESIDE, 0],
  [0, BELOW],
  [BESIDE, BELOW],
  [-BESIDE, BELOW],
  [BESIDE, -BELOW],
  [-BESIDE, -BELOW],
]

export interface Point {
  x: number
  y: number
}

/** Whether two avatars, with their names and notes, would be drawn over each other. */
export function crowds(a: Point, b: Point): boolean {
  const { halfWidth, above, below } = AVATAR_CLEARANCE
  return Math.abs(a.x - b.x) < 2 * halfWidth && Math.abs(a.y - b.y) < above + below
}

/**
 * A spot next to `target` where an avatar fits without covering anyone in `others` (the raiser
 * included) and where `isOpen` allows standing (inside the map, not in a meeting room); the
 * nearest candidates first, then wider rings. `place` rounds or clamps a candidate to the map.
 *
 * @example
 * spotBeside({ x: 400, y: 300 }, [{ x: 400, y: 300 }], (p) => p, () => true) // { x: 508, y: 300 }
 */
export function spotBeside(
  target: Point,
  others: readonly Point[],
  place: (p: Point) => Point,
  isOpen: (p: Point) => boolean,
): Point {
  const fits = (p: Point) => isOpen(p) && others.every((o) => !crowds(p, o))
  for (const [dx, dy] of NEAREST) {
    const spot = place({ x: target.x + dx, y: target.y + dy })
    if (fits(spot)) return spot
  }
  // a crowded neighbourhood: rings further out, still never straight above
  for (let ring = 2; ring <= 8; ring += 1) {
    for (let i = 0; i < 8 * ring; i += 1) {
      const angle = (2 * Math.PI * i) / (8 * ring)
      const spot = place({
        x: target.x + ring * BESIDE * Math.cos(angle),
        y: target.y + ring * BELOW * Math.sin(angle),
      })
      const aboveTarget = spot.y < target.y && Math.abs(spot.x - target.x) < BESIDE
      if (!aboveTarget && fits(spot)) return spot
    }
  }
  return place({ x: target.x + BESIDE, y: target.y })
}
