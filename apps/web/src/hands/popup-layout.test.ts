import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Box,
  edgePins,
  memberBoxes,
  POPUP_GEOMETRY,
  type PopupToPlace,
  placePopups,
  popupBoxes,
} from './popup-layout.js'

const STAGE: Box = { left: 0, top: 0, right: 1200, bottom: 800 }

function overlaps(a: Box, b: Box): boolean {
  return (
    Math.min(a.right, b.right) > Math.max(a.left, b.left) &&
    Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top)
  )
}

function laidOut(popups: PopupToPlace[], obstacles: Box[] = [], stage = STAGE, scale = 1) {
  const places = placePopups(popups, obstacles, stage, POPUP_GEOMETRY, scale)
  return popups.map((p) => {
    const place = places.get(p.id) ?? { lift: 0, shift: 0 }
    return {
      id: p.id,
      place,
      ...popupBoxes(p, place, POPUP_GEOMETRY, POPUP_GEOMETRY.tipAbove * scale),
    }
  })
}

describe('placing the raised hands’ pop-ups', () => {
  it('[3.5] a lone pop-up sits right above its raiser, centred', () => {
    const [only] = laidOut([{ id: 'a', x: 400, y: 300, width: 180 }])
    expect(only?.place).toEqual({ lift: 0, shift: 0 })
    expect(only?.body).toEqual({ left: 310, right: 490, top: 231, bottom: 261 })
  })

  it('[3.5] no pop-up covers another, nor the stem of another, nor is crossed by one (neighbours on a desk grid)', () => {
    // raisers at desks of a 3-by-2 block, 75 px apart, each pop-up as wide as its message
    const seat = fc.record({
      col: fc.integer({ min: 0, max: 2 }),
      row: fc.integer({ min: 0, max: 1 }),
    })
    fc.assert(
      fc.property(
        fc.uniqueArray(seat, { minLength: 1, maxLength: 5, selector: (s) => `${s.col},${s.row}` }),
        fc.array(fc.integer({ min: 60, max: 272 }), { minLength: 5, maxLength: 5 }),
        (seats, widths) => {
          const popups = seats.map((s, i) => ({
            id: `p${i}`,
            x: 400 + s.col * 75,
            y: 400 + s.row * 120,
            width: widths[i] ?? 120,
          }))
          const placed = laidOut(popups)
          for (const a of placed) {
            for (const b of placed) {
              if (a === b) continue
              expect(overlaps(a.body, b.body)).toBe(false)
              if (b.stem) expect(overlaps(a.body, b.stem)).toBe(false)
            }
          }
        },
      ),
    )
  })

  it('[3.5] keeps off a neighbour’s name below it, and leads a lifted stem round another pop-up (the review’s three hands)', () => {
    // Dana and Eli side by side, Gus a desk row under Dana: as on the demo floor
    const member = (x: number, y: number, label: string) =>
      memberBoxes({ x, y, name: label, note: null }, 1)
    const dana = member(300, 260, 'Dana Reyes')
    const people = [...dana, ...member(450, 260, 'Eli Novak'), ...member(300, 445, 'Gus Okafor')]
    const placed = laidOut(
      [
        { id: 'dana', x: 300, y: 260, width: 250 },
        { id: 'eli', x: 450, y: 260, width: 250 },
        { id: 'gus', x: 300, y: 445, width: 250 },
      ],
      people,
    )
    const byId = new Map(placed.map((p) => [p.id, p]))
    const danaLabel = dana[1]
    if (!danaLabel) throw new Error('no label box')
    expect(overlaps(byId.get('gus')!.body, danaLabel)).toBe(false)
    const eli = byId.get('eli')!
    if (eli.stem) expect(overlaps(eli.stem, byId.get('dana')!.body)).toBe(false)
    expect(overlaps(eli.body, byId.get('dana')!.body)).toBe(false)
  })

  it('[3.5] a pop-up with a line of who responds is that much taller, and is placed as tall as it is', () => {
    const one = popupBoxes(
      { id: 'a', x: 400, y: 300, width: 180 },
      { lift: 0, shift: 0 },
      POPUP_GEOMETRY,
      30,
    )
    const two = popupBoxes(
      { id: 'a', x: 400, y: 300, width: 180, lines: 2 },
      { lift: 0, shift: 0 },
      POPUP_GEOMETRY,
      30,
    )
    expect(two.body.bottom).toBe(one.body.bottom)
    expect(one.body.top - two.body.top).toBe(POPUP_GEOMETRY.lineHeight)
    // side by side, the taller one's neighbour is lifted clear of all of it
    const placed = laidOut([
      { id: 'tall', x: 300, y: 300, width: 250, lines: 2 },
      { id: 'next', x: 420, y: 300, width: 250, lines: 2 },
    ])
    const [a, b] = placed
    expect(a && b && overlaps(a.body, b.body)).toBe(false)
  })

  it('[3.5] a lifted pop-up’s stem goes round a person rather than through them', () => {
    // three raisers side by side, someone standing a little above one of them
    for (const [x, y] of [
      [420, 150],
      [420, 170],
      [420, 190],
      [300, 190],
      [540, 190],
    ] as const) {
      const above = memberBoxes({ x, y, name: 'Gus Okafor', note: null }, 1)
      const placed = laidOut(
        [
          { id: 'a', x: 300, y: 300, width: 250 },
          { id: 'b', x: 420, y: 300, width: 250 },
          { id: 'c', x: 540, y: 300, width: 250 },
        ],
        above,
      )
      const face = above[0]
      if (!face) throw new Error('no face box')
      expect(placed.some((p) => p.stem)).toBe(true)
      for (const p of placed) {
        if (p.stem) expect(overlaps(p.stem, face), `a stem through Gus at ${x},${y}`).toBe(false)
        for (const q of placed) if (p !== q) expect(overlaps(p.body, q.body)).toBe(false)
      }
    }
  })

  it('[3.5] a raiser near the stage’s edge gets a pop-up moved inside it, pointer still on them', () => {
    const [near] = laidOut([{ id: 'a', x: 40, y: 300, width: 200 }])
    expect(near?.body.left).toBeGreaterThanOrEqual(0)
    expect(near?.place.shift).toBeGreaterThan(0)
    // the pointer (the raiser's x) stays inside the body, clear of its rounded ends
    expect(near!.body.left).toBeLessThanOrEqual(40 - 18)
  })

  it('[3.5] a zoomed map pins each raiser it does not show to the edge that leads to them', () => {
    const shown: Box = { left: 400, top: 200, right: 790, bottom: 600 }
    const pins = edgePins(
      [
        { id: 'in view', x: 600, y: 400 },
        { id: 'left', x: 100, y: 300 },
        { id: 'left too', x: 150, y: 310 },
        { id: 'right', x: 1000, y: 900 },
        { id: 'above', x: 500, y: 50 },
      ],
      shown,
    )
    const byId = new Map(pins.map((p) => [p.id, p]))
    expect(byId.has('in view')).toBe(false)
    expect(byId.get('left')).toEqual({ id: 'left', side: 'left', x: 406, y: 300 })
    // two on one edge are moved apart along it, never on top of each other
    expect(byId.get('left too')).toEqual({ id: 'left too', side: 'left', x: 406, y: 338 })
    expect(byId.get('right')).toEqual({ id: 'right', side: 'right', x: 784, y: 580 })
    expect(byId.get('above')).toEqual({ id: 'above', side: 'up', x: 500, y: 206 })
  })
})
