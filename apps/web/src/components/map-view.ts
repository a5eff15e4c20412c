import type { FloorPlan, RoomDto } from '@flare/protocol/client'
import { type RefObject, useEffect, useRef, useState } from 'react'

/** A rectangle of the world (world units): the part of the floor a stage shows. */
export interface View {
  x: number
  y: number
  width: number
  height: number
}

export interface Size {
  width: number
  height: number
}

/** World units kept around what the floor uses, so nothing touches the pane's edge. */
const MARGIN = 24

/**
 * The office itself: the zones, the meeting rooms and everyone present, never beyond the map
 * (the whole map when there is nothing on it).
 */
export function officeBounds(
  plan: FloorPlan,
  rooms: readonly RoomDto[],
  people: ReadonlyArray<{ x: number; y: number }>,
  map: Size,
): View {
  const boxes: View[] = [
    ...plan.zones,
    ...rooms,
    ...people.map((p) => ({ x: p.x - 40, y: p.y - 40, width: 80, height: 110 })),
  ]
  if (boxes.length === 0) return { x: 0, y: 0, width: map.width, height: map.height }
  const left = Math.max(0, Math.min(...boxes.map((b) => b.x)))
  const top = Math.max(0, Math.min(...boxes.map((b) => b.y)))
  const right = Math.min(map.width, Math.max(...boxes.map((b) => b.x + b.width)))
  const bottom = Math.min(map.height, Math.max(...boxes.map((b) => b.y + b.height)))
  return { x: left, y: top, width: right - left, height: bottom - top }
}

/** `view` with a small margin around it, so nothing touches the pane's edge; never beyond the map. */
export function withMargin(view: View, map: Size): View {
  const left = Math.max(0, view.x - MARGIN)
  const top = Math.max(0, view.y - MARGIN)
  const right = Math.min(map.width, view.x + view.width + MARGIN)
  const bottom = Math.min(map.height, view.y + view.height + MARGIN)
  return { x: left, y: top, width: right - left, height: bottom - top }
}

/**
 * The part of the map in use: the office with a small margin, never beyond the map. Fitting
 * this (not the whole map) makes the office as large as the pane allows.
 */
export function usedBounds(
  plan: FloorPlan,
  rooms: readonly RoomDto[],
  people: ReadonlyArray<{ x: number; y: number }>,
  map: Size,
): View {
  return withMargin(officeBounds(plan, rooms, people, map), map)
}

/** The scale at which `bounds` just fits a stage of `stage` pixels. */
export function fitScale(bounds: View, stage: Size): number {
  return Math.min(stage.width / bounds.width, stage.height / bounds.height)
}

/** A box floating in one corner of the map's pane: how far it reaches from that corner's edges, in pixels. */
export interface CornerBox {
  corner: 'top-left' | 'bottom-right'
  width: number
  height: number
}

/**
 * The scale at which `bounds`, centred on a stage of `stage` pixels, fits it and keeps the
 * office drawn in it (`office`) clear of boxes floating in the stage's corners: beside each box,
 * or above or below it, whichever costs the floor less. Never below half the plain fit, where a
 * pane too small for both would leave no floor to see.
 *
 * @example
 * // a 1,200 × 600 pane, a 1,000 × 500 floor: fitted at 1.2 it would run under a 200 × 46 chip
 * const floor = { x: 0, y: 0, width: 1_000, height: 500 }
 * fitClearOf(floor, floor, { width: 1_200, height: 600 }, [
 *   { corner: 'top-left', width: 200, height: 46 },
 * ]) // 1.016: 46 pixels kept free above (and, centred, below)
 */
export function fitClearOf(
  bounds: View,
  office: View,
  stage: Size,
  corners: readonly CornerBox[],
): number {
  const plain = fitScale(bounds, stage)
  const cx = bounds.x + bounds.width / 2
  const cy = bounds.y + bounds.height / 2
  // how far the office reaches from the stage's centre towards each side, in world units
  const reach = {
    left: cx - office.x,
    top: cy - office.y,
    right: office.x + office.width - cx,
    bottom: office.y + office.height - cy,
  }
  let scale = plain
  for (const box of corners) {
    const [across, along] =
      box.corner === 'top-left' ? [reach.left, reach.top] : [reach.right, reach.bottom]
    const beside = across > 0 ? (stage.width / 2 - box.width) / across : plain
    const aboveOrBelow = along > 0 ? (stage.height / 2 - box.height) / along : plain
    scale = Math.min(scale, Math.max(beside, aboveOrBelow))
  }
  return Math.max(scale, plain / 2)
}

/**
 * What a stage of `stage` pixels shows at `scale` pixels per world unit, centred on `bounds`:
 * wider or taller than `bounds` when the stage's shape differs, so the floor fills the whole
 * pane instead of leaving empty bands above and below it.
 */
export function viewAround(bounds: View, stage: Size, scale: number): View {
  const width = stage.width / scale
  const height = stage.height / scale
  return {
    x: bounds.x + bounds.width / 2 - width / 2,
    y: bounds.y + bounds.height / 2 - height / 2,
    width,
    height,
  }
}

/** Where a world point sits on a stage showing `view`, in percent, for HTML laid over the SVG. */
export function placeOn(view: View, x: number, y: number): { left: string; top: string } {
  return {
    left: `${((x - view.x) / view.width) * 100}%`,
    top: `${((y - view.y) / view.height) * 100}%`,
  }
}

/** The zoom steps beyond fitting: the next one in (or out) from `scale`, else null. */
export function nextZoom(
  steps: readonly number[],
  scale: number,
  direction: 'in' | 'out',
): number | null {
  const candidates =
    direction === 'in'
      ? steps.filter((z) => z > scale * 1.01)
      : steps.filter((z) => z < scale * 0.99)
  if (candidates.length === 0) return null
  return direction === 'in' ? Math.min(...candidates) : Math.max(...candidates)
}

/**
 * The stage's width in pixels, for what is laid over the map at a fixed size (pop-ups, flares):
 * with the view's width it gives pixels per world unit.
 */
export function useStageWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(0)
  useEffect(() => {
    const element = ref.current
    if (!element || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(([entry]) => setWidth(entry?.contentRect.width ?? 0))
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  return [ref, width]
}
