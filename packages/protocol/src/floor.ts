// The office floor: where the team areas, desks, lounge and kitchen are, and which desk is
// whose. Pure and free of TypeBox: the server seats a member at their desk when they join, and
// the web app draws the same plan, so both must compute it from the same inputs the same way.

export interface FloorRect {
  x: number
  y: number
  width: number
  height: number
}

/** One desk and the spot in front of it where its owner's avatar sits. */
export interface FloorDesk {
  /** The desk top. */
  x: number
  y: number
  width: number
  height: number
  /** Where the avatar sits: above the desk (`facing: 'down'`) or below it (`'up'`). */
  seat: { x: number; y: number }
  facing: 'up' | 'down'
  /** Whose desk it is; null for a free desk. */
  userId: string | null
}

export type FloorZoneKind = 'team' | 'open' | 'lounge' | 'kitchen' | 'booths' | 'coaching'

/**
 * A tinted area of the floor with a label: a team's desks, open desks, the lounge, the kitchen,
 * and, where the floor has room left, phone booths and a coaching corner.
 */
export interface FloorZone extends FloorRect {
  kind: FloorZoneKind
  label: string
  desks: FloorDesk[]
}

export interface FloorPlan {
  zones: FloorZone[]
  /** Each seated member's desk spot; members beyond the desks that fit have none. */
  seats: Record<string, { x: number; y: number }>
}

export interface FloorInput {
  mapWidth: number
  mapHeight: number
  /** Meeting rooms: no zone overlaps one. */
  rooms: readonly FloorRect[]
  /** The space's groups: each becomes a team area, its members seated together. */
  teams: readonly { name: string; memberIds: readonly string[] }[]
  members: readonly { userId: string; displayName: string }[]
}

/** A zone's size in world units: three desks wide, two rows facing each other. */
export const FLOOR_ZONE = { width: 352, height: 260, gap: 16, margin: 40 } as const
const DESKS_PER_ZONE = 6
const DESK = { width: 84, height: 34, pitch: 108, firstCentre: 68 } as const
/** Free desks for visitors and the overflow, placed after the teams when the floor has room. */
const HOT_DESK_ZONES = 2
/** What furnishes the slots left over once everyone has a desk: the floor is never half empty. */
const FILLERS: ReadonlyArray<readonly [FloorZoneKind, string]> = [
  ['booths', 'Focus booths'],
  ['coaching', 'Coaching corner'],
  ['lounge', 'Quiet lounge'],
  ['kitchen', 'Coffee point'],
]

function overlaps(a: FloorRect, b: FloorRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

// plain code-unit order, so the server (Node) and every browser sort alike whatever the locale
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The free zone slots on a grid centred on the map, nearest the centre first. */
function zoneSlots(input: FloorInput): FloorRect[] {
  const { width, height, gap, margin } = FLOOR_ZONE
  const columns = Math.floor((input.mapWidth - 2 * margin + gap) / (width + gap))
  const rows = Math.floor((input.mapHeight - 2 * margin + gap) / (height + gap))
  const left = (input.mapWidth - (columns * (width + gap) - gap)) / 2
  const top = (input.mapHeight - (rows * (height + gap) - gap)) / 2
  const slots: FloorRect[] = []
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      const slot = {
        x: left + column * (width + gap),
        y: top + row * (height + gap),
        width,
        height,
      }
      if (!input.rooms.some((room) => overlaps(room, slot))) slots.push(slot)
    }
  }
  const cx = input.mapWidth / 2
  const cy = input.mapHeight / 2
  const distance = (s: FloorRect) => Math.hypot(s.x + width / 2 - cx, s.y + height / 2 - cy)
  // ties (mirror-image slots) go to the upper, then the left one
  return slots.sort((a, b) => distance(a) - distance(b) || a.y - b.y || a.x - b.x)
}

function desksIn(zone: FloorRect, owners: readonly (string | null)[]): FloorDesk[] {
  return Array.from({ length: DESKS_PER_ZONE }, (_, i) => {
    const top = i < 3
    const centre = zone.x + DESK.firstCentre + (i % 3) * DESK.pitch
    // two rows of desks meet in the middle; people sit on the outside, facing each other
    const deskY = zone.y + (top ? 112 : 146)
    return {
      x: centre - DESK.width / 2,
      y: deskY,
      width: DESK.width,
      height: DESK.height,
      seat: { x: centre, y: zone.y + (top ? 80 : 212) },
      facing: top ? 'down' : 'up',
      userId: owners[i] ?? null,
    }
  })
}

/**
 * Lays out the office: a team area per group (largest team nearest the centre), open desks
 * for members in no group, two areas of hot desks, a lounge and a kitchen, then focus booths
 * and coaching corners in whatever slots are left, on a grid that avoids the meeting rooms. Deterministic: the same space, rooms, groups and members give the same plan, whatever
 * order they come in.
 *
 * @example
 * const plan = floorPlan({ mapWidth: 1600, mapHeight: 1000, rooms, teams, members })
 * plan.seats[userId] // {x, y}: where that member starts
 */
export function floorPlan(input: FloorInput): FloorPlan {
  const slots = zoneSlots(input)
  const names = new Map(input.members.map((m) => [m.userId, m.displayName]))
  const order = (ids: Iterable<string>) =>
    [...ids]
      .filter((id) => names.has(id))
      .sort((a, b) => byText(names.get(a) ?? '', names.get(b) ?? '') || byText(a, b))

  const seated = new Set<string>()
  const groups: Array<{ kind: FloorZoneKind; label: string; ids: string[] }> = []
  const teams = [...input.teams]
    .map((t) => ({ name: t.name, ids: order(new Set(t.memberIds)) }))
    .sort((a, b) => b.ids.length - a.ids.length || byText(a.name, b.name))
  for (const team of teams) {
    // someone in several groups sits with the first (largest) of them
    const ids = team.ids.filter((id) => !seated.has(id))
    for (const id of ids) seated.add(id)
    if (ids.length > 0) groups.push({ kind: 'team', label: team.name, ids })
  }
  const loose = order(input.members.map((m) => m.userId)).filter((id) => !seated.has(id))
  if (loose.length > 0) groups.push({ kind: 'open', label: 'Open desks', ids: loose })

  const zones: FloorZone[] = []
  const seats: FloorPlan['seats'] = {}
  for (const group of groups) {
    for (let start = 0; start < group.ids.length; start += DESKS_PER_ZONE) {
      const slot = slots.shift()
      if (!slot) break
      const owners = group.ids.slice(start, start + DESKS_PER_ZONE)
      const desks = desksIn(slot, owners)
      for (const desk of desks) if (desk.userId) seats[desk.userId] = desk.seat
      zones.push({ ...slot, kind: group.kind, label: group.label, desks })
    }
  }
  for (let i = 0; i < HOT_DESK_ZONES; i += 1) {
    const slot = slots.shift()
    if (slot) zones.push({ ...slot, kind: 'open', label: 'Hot desks', desks: desksIn(slot, []) })
  }
  for (const [kind, label] of [
    ['lounge', 'Lounge'],
    ['kitchen', 'Kitchen'],
  ] as const) {
    const slot = slots.shift()
    if (slot) zones.push({ ...slot, kind, label, desks: [] })
  }
  for (let i = 0; slots.length > 0; i += 1) {
    const slot = slots.shift()
    const [kind, label] = FILLERS[i % FILLERS.length] ?? ['lounge', 'Lounge']
    if (slot) zones.push({ ...slot, kind, label, desks: [] })
  }
  return { zones, seats }
}
