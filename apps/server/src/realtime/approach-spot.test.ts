import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BELOW, BESIDE, crowds, type Point, spotBeside } from './approach-spot.js'

const asIs = (p: Point) => p
const anywhere = () => true

describe('where an approacher stands', () => {
  it('[3.7] beside the raiser, on the same line, so neither avatar nor name overlaps', () => {
    const raiser = { x: 400, y: 300 }
    const spot = spotBeside(raiser, [raiser], asIs, anywhere)
    expect(spot).toEqual({ x: 400 + BESIDE, y: 300 })
    expect(crowds(spot, raiser)).toBe(false)
  })

  it('[3.7] the other side when a neighbour sits at the next desk, then below, never straight above', () => {
    const raiser = { x: 400, y: 300 }
    const right = { x: 400 + BESIDE, y: 300 }
    expect(spotBeside(raiser, [raiser, right], asIs, anywhere)).toEqual({ x: 400 - BESIDE, y: 300 })
    const left = { x: 400 - BESIDE, y: 300 }
    expect(spotBeside(raiser, [raiser, right, left], asIs, anywhere)).toEqual({
      x: 400,
      y: 300 + BELOW,
    })
  })

  it('[3.7] not inside a meeting room', () => {
    const raiser = { x: 400, y: 300 }
    // everything right of x = 450 is a room
    const spot = spotBeside(raiser, [raiser], asIs, (p) => p.x < 450)
    expect(spot).toEqual({ x: 400 - BESIDE, y: 300 })
  })

  it('[3.7] whoever stands around, the spot found never crowds anyone and never sits above the raiser', () => {
    const point = fc.record({
      x: fc.integer({ min: 0, max: 1600 }),
      y: fc.integer({ min: 0, max: 1000 }),
    })
    fc.assert(
      fc.property(point, fc.array(point, { maxLength: 30 }), (raiser, others) => {
        const everyone = [raiser, ...others]
        const spot = spotBeside(raiser, everyone, asIs, anywhere)
        const fallback = { x: raiser.x + BESIDE, y: raiser.y }
        // the last resort is taken only when nothing nearer fits
        if (spot.x === fallback.x && spot.y === fallback.y) return
        expect(everyone.some((o) => crowds(spot, o))).toBe(false)
        expect(spot.y < raiser.y && Math.abs(spot.x - raiser.x) < BESIDE).toBe(false)
      }),
    )
  })
})
