import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  fitLabel,
  fittedDoing,
  fittedName,
  labelRooms,
  labelWidth,
  NAME_CHAR_WIDTH,
  NOTE_CHAR_WIDTH,
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
    expect(fitLabel(['away'], 92, NOTE_CHAR_WIDTH)).toBe('away')
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
            name: labelWidth(fittedName(p.name, room), NAME_CHAR_WIDTH),
            note: labelWidth(fittedDoing('chat', 'Someone Long', room), NOTE_CHAR_WIDTH),
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
})
