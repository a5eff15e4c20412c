import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type CornerBox,
  fitClearOf,
  fitScale,
  type Size,
  type View,
  withMargin,
} from './map-view.js'

const CHIP: CornerBox = { corner: 'top-left', width: 200, height: 46 }
const ZOOM: CornerBox = { corner: 'bottom-right', width: 140, height: 50 }

/** Where `office` lands on the stage when `bounds` is centred on it at `scale`, in pixels. */
function placed(bounds: View, office: View, stage: Size, scale: number) {
  const toX = (x: number) => stage.width / 2 + (x - (bounds.x + bounds.width / 2)) * scale
  const toY = (y: number) => stage.height / 2 + (y - (bounds.y + bounds.height / 2)) * scale
  return {
    left: toX(office.x),
    top: toY(office.y),
    right: toX(office.x + office.width),
    bottom: toY(office.y + office.height),
  }
}

describe('fitting the floor clear of the map corners (SPEC §6.6.2)', () => {
  const floor = { x: 0, y: 0, width: 1_000, height: 500 }

  it('[6.6.2] shrinks a floor that would run under the chip, just enough to clear it above', () => {
    const stage = { width: 1_200, height: 600 }
    expect(fitScale(floor, stage)).toBe(1.2)
    const scale = fitClearOf(floor, floor, stage, [CHIP])
    expect(scale).toBeCloseTo(1.016, 6)
    expect(placed(floor, floor, stage, scale).top).toBeCloseTo(CHIP.height, 6)
  })

  it("[6.6.2] counts the floor's own margin as clearance", () => {
    const stage = { width: 1_200, height: 600 }
    // the office is 30 units inside the fitted bounds: at 1.2 that is 36 px, short of 46
    const office = { x: 30, y: 30, width: 940, height: 440 }
    const scale = fitClearOf(floor, office, stage, [CHIP])
    expect(scale).toBeLessThan(1.2)
    expect(placed(floor, office, stage, scale).top).toBeCloseTo(CHIP.height, 6)
    // with 50 units of margin (60 px) nothing needs to give
    expect(fitClearOf(floor, { x: 50, y: 50, width: 900, height: 400 }, stage, [CHIP])).toBe(1.2)
  })

  it('[6.6.2] leaves a floor alone where the band beside it already holds the boxes', () => {
    const stage = { width: 1_600, height: 600 }
    expect(fitClearOf(floor, floor, stage, [CHIP, ZOOM])).toBe(fitScale(floor, stage))
  })

  it('[6.6.2] never shrinks the floor below half its plain fit, however small the pane', () => {
    const stage = { width: 300, height: 120 }
    expect(fitClearOf(floor, floor, stage, [CHIP, ZOOM])).toBe(fitScale(floor, stage) / 2)
  })

  it('[6.6.2] keeps every corner box clear of the office, never larger than the plain fit', () => {
    const n = (min: number, max: number) => fc.integer({ min, max })
    fc.assert(
      fc.property(
        fc.record({ bw: n(200, 3_000), bh: n(200, 3_000), sw: n(300, 2_500), sh: n(200, 1_600) }),
        fc.record({ l: n(0, 60), t: n(0, 60), r: n(0, 60), b: n(0, 60) }),
        ({ bw, bh, sw, sh }, inset) => {
          const bounds = { x: 0, y: 0, width: bw, height: bh }
          const office = {
            x: inset.l,
            y: inset.t,
            width: bw - inset.l - inset.r,
            height: bh - inset.t - inset.b,
          }
          const stage = { width: sw, height: sh }
          const plain = fitScale(bounds, stage)
          const scale = fitClearOf(bounds, office, stage, [CHIP, ZOOM])
          expect(scale).toBeLessThanOrEqual(plain)
          if (scale === plain / 2) return
          const at = placed(bounds, office, stage, scale)
          const eps = 1e-6
          expect(at.left >= CHIP.width - eps || at.top >= CHIP.height - eps).toBe(true)
          expect(at.right <= sw - ZOOM.width + eps || at.bottom <= sh - ZOOM.height + eps).toBe(
            true,
          )
        },
      ),
    )
  })

  it('[6.6.2] the fitted bounds are the office with a 24-unit margin, never beyond the map', () => {
    const map = { width: 1_600, height: 1_000 }
    expect(withMargin({ x: 100, y: 50, width: 1_000, height: 600 }, map)).toEqual({
      x: 76,
      y: 26,
      width: 1_048,
      height: 648,
    })
    // an office at the map's edges gets no margin past them
    expect(withMargin({ x: 10, y: 0, width: 1_580, height: 1_000 }, map)).toEqual({
      x: 0,
      y: 0,
      width: 1_600,
      height: 1_000,
    })
  })
})
