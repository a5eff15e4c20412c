import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  fitLabel,
  fittedDoing,
  fittedName,
  labelRooms,
  labelScaleFor,
  labelWidth,
} from './map-labels.js'

const at = (userId: string, x: number, y: number) => ({ userId, x, y })

describe('names and notes under avatars', () => {
  it('[3.5.1] gives each label the room to its nearest neighbour on the same line', () => {
    const rooms = labelRooms([
      at('dana', 300, 260),
      at('eli', 400, 260),
      at('fatima', 520, 265),
      // a desk row below Dana: another line, no neighbour of hers
      at('gus', 300, 445),
    ])
    expect(rooms.get('dana')).toBe(92)
    expect(rooms.get('eli')).toBe(92)
    expect(rooms.get('fatima')).toBe(112)
    expect(rooms.get('gus')).toBe(240)
  })

  it('[3.5.1] fits a name, then a note, to the room it has', () => {
    expect(fittedName('Fatima Khan', 240)).toBe('Fatima Khan')
    // a long name is shortened even alone, as the map always did
    expect(fittedName('Alexandra Montgomery', 240)).toBe('Alexandra M.')
    expect(fittedName('Fatima Khan', 80)).toBe('Fatima')
    expect(fittedName('Fatima Khan', 42)).toBe('Fat…')
    expect(fittedDoing('approach', 'Dana Reyes', 240)).toBe('approaching Dana')
    expect(fittedDoing('chat', 'Dana Reyes', 240)).toBe('chatting with Dana')
    expect(fittedDoing('approach', 'Dana Reyes', 92)).toBe('approaching')
    expect(fittedDoing('chat', 'Dana Reyes', 92)).toBe('chatting')
    expect(fitLabel(['away'], 92, 'note')).toBe('away')
  })

  it('[3.5.1] no two labels on a line overlap, wherever people stand (never closer than two avatars touching)', () => {
    const person = fc.record({
      x: fc.integer({ min: 0, max: 1200 }),
      y: fc.integer({ min: 0, max: 400 }),
      name: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0),
    })
    fc.assert(
      fc.property(fc.array(person, { minLength: 2, maxLength: 14 }), (drawn) => {
        // avatars are circles of 25: nobody stands inside another
        const people: typeof drawn = []
        for (const p of drawn) {
          if (people.every((q) => Math.hypot(p.x - q.x, p.y - q.y) >= 50)) people.push(p)
        }
        const placed = people.map((p, i) => ({ ...p, userId: `u${i}` }))
        const rooms = labelRooms(placed)
        const widths = placed.map((p) => {
          const room = rooms.get(p.userId) ?? 0
          return {
            ...p,
            name: labelWidth(fittedName(p.name, room), 'name'),
            note: labelWidth(fittedDoing('chat', 'Someone Long', room), 'note'),
          }
        })
        for (const a of widths) {
          for (const b of widths) {
            if (a === b || Math.abs(a.y - b.y) >= 36) continue
            const apart = Math.abs(a.x - b.x)
            expect(a.name / 2 + b.name / 2).toBeLessThan(apart)
            expect(a.note / 2 + b.note / 2).toBeLessThan(apart)
          }
        }
      }),
    )
  })

  it('[3.5.1] a floor of thousands is measured without comparing everyone with everyone', () => {
    const people = Array.from({ length: 5000 }, (_, i) =>
      at(`u${i}`, (i % 100) * 90, Math.floor(i / 100) * 110),
    )
    const rooms = labelRooms(people)
    expect(rooms.size).toBe(5000)
    expect(rooms.get('u150')).toBe(82)
  })

  it('[3.5.1] a small map draws names at least 12 px where it can, and fits them at that size', () => {
    // a scale of 1 or more: as the map draws them
    expect(labelScaleFor(1)).toBe(1)
    expect(labelScaleFor(2)).toBe(1)
    // a fitted tablet map at about half size: 16 units would be 8.8 px; drawn 12 px
    expect(labelScaleFor(0.55) * 16 * 0.55).toBeCloseTo(12)
    // never more than 1.6 times (a tiny map keeps its names short rather than huge)
    expect(labelScaleFor(0.2)).toBe(1.6)
    expect(labelScaleFor(0)).toBe(1)
    // drawn 1.5 times larger, two people 150 apart have the room of 100 at a scale of 1
    const rooms = labelRooms([at('a', 0, 0), at('b', 150, 0)], 1.5)
    expect(rooms.get('a')).toBe(92)
    // and a line is taller: 50 apart vertically is the same line at 1.5, not at 1
    expect(labelRooms([at('a', 0, 0), at('b', 100, 50)], 1.5).get('a')).toBe(100 / 1.5 - 8)
    expect(labelRooms([at('a', 0, 0), at('b', 100, 50)], 1).get('a')).toBe(240)
  })
})
