import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FLOOR_ZONE, type FloorInput, type FloorRect, floorPlan } from './floor.js'

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

// the demo space: 1600×1000, two meeting rooms at the top corners, two groups
const demo: FloorInput = {
  mapWidth: 1600,
  mapHeight: 1000,
  rooms: [
    { x: 80, y: 80, width: 360, height: 240 },
    { x: 1160, y: 80, width: 360, height: 240 },
  ],
  teams: [
    { name: 'Supervisors', memberIds: [id(1), id(2)] },
    { name: 'Tier 1 support', memberIds: [id(3), id(4), id(5), id(6)] },
  ],
  members: [
    { userId: id(1), displayName: 'Ada Admin' },
    { userId: id(2), displayName: 'Max Manager' },
    { userId: id(3), displayName: 'Dana Reyes' },
    { userId: id(4), displayName: 'Eli Novak' },
    { userId: id(5), displayName: 'Fatima Khan' },
    { userId: id(6), displayName: 'Gus Okafor' },
  ],
}

function inside(p: { x: number; y: number }, r: FloorRect): boolean {
  return p.x >= r.x && p.x < r.x + r.width && p.y >= r.y && p.y < r.y + r.height
}

describe('floorPlan', () => {
  it('[2] gives every member of the demo a desk in their team area, outside the rooms', () => {
    const plan = floorPlan(demo)
    const tier1 = plan.zones.find((z) => z.label === 'Tier 1 support')
    const supervisors = plan.zones.find((z) => z.label === 'Supervisors')
    if (!tier1 || !supervisors) throw new Error('team areas missing')
    for (const m of demo.members) expect(plan.seats[m.userId]).toBeDefined()
    for (const n of [3, 4, 5, 6])
      expect(inside(plan.seats[id(n)] ?? { x: -1, y: -1 }, tier1)).toBe(true)
    for (const n of [1, 2])
      expect(inside(plan.seats[id(n)] ?? { x: -1, y: -1 }, supervisors)).toBe(true)
    // the larger team sits nearest the centre; a lounge, a kitchen, booths and coaching
    // corners furnish the rest, so no slot of the floor is left bare
    expect(plan.zones.map((z) => z.label)).toEqual([
      'Tier 1 support',
      'Supervisors',
      'Hot desks',
      'Hot desks',
      'Lounge',
      'Kitchen',
      'Focus booths',
      'Coaching corner',
      'Quiet lounge',
      'Coffee point',
    ])
    for (const zone of plan.zones)
      for (const room of demo.rooms)
        expect(
          zone.x < room.x + room.width &&
            room.x < zone.x + zone.width &&
            zone.y < room.y + room.height &&
            room.y < zone.y + zone.height,
        ).toBe(false)
  })

  it('[2] is the same whatever order members and groups arrive in', () => {
    const shuffled: FloorInput = {
      ...demo,
      teams: [...demo.teams]
        .reverse()
        .map((t) => ({ ...t, memberIds: [...t.memberIds].reverse() })),
      members: [...demo.members].reverse(),
    }
    expect(floorPlan(shuffled)).toEqual(floorPlan(demo))
  })

  it('[2] seats people in no group at open desks, and someone in two groups once', () => {
    const plan = floorPlan({
      ...demo,
      teams: [{ name: 'Night', memberIds: [id(1), id(3)] }, ...demo.teams],
    })
    expect(
      plan.zones.filter((z) => z.kind === 'team').flatMap((z) => z.desks.filter((d) => d.userId)),
    ).toHaveLength(6)
    const alone = floorPlan({ ...demo, teams: [] })
    expect(alone.zones[0]?.label).toBe('Open desks')
    expect(Object.keys(alone.seats)).toHaveLength(6)
  })

  it('[2] never seats two people on one spot, never in a room, always on the map', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 400, max: 3000 }),
        fc.integer({ min: 300, max: 2000 }),
        fc.integer({ min: 0, max: 40 }),
        fc.array(
          fc.record({
            x: fc.nat(2000),
            y: fc.nat(1500),
            width: fc.integer({ min: 50, max: 500 }),
            height: fc.integer({ min: 50, max: 500 }),
          }),
          { maxLength: 4 },
        ),
        (mapWidth, mapHeight, count, rooms) => {
          const members = Array.from({ length: count }, (_, i) => ({
            userId: id(i),
            displayName: `P${i}`,
          }))
          const plan = floorPlan({ mapWidth, mapHeight, rooms, teams: [], members })
          const spots = Object.values(plan.seats)
          expect(new Set(spots.map((s) => `${s.x},${s.y}`)).size).toBe(spots.length)
          for (const s of spots) {
            expect(rooms.some((r) => inside(s, r))).toBe(false)
            expect(s.x).toBeGreaterThanOrEqual(FLOOR_ZONE.margin)
            expect(s.y).toBeGreaterThanOrEqual(FLOOR_ZONE.margin)
            expect(s.x).toBeLessThanOrEqual(mapWidth - FLOOR_ZONE.margin)
            expect(s.y).toBeLessThanOrEqual(mapHeight - FLOOR_ZONE.margin)
          }
        },
      ),
    )
  })
})
