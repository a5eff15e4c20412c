import { type KeyboardEvent, type PointerEvent, useRef } from 'react'
import { useFlare } from '../store/index.js'
import { PANEL_MAX, PANEL_MIN, setPanelWidth } from './layout-actions.js'

const KEY_STEP = 24

/**
 * The handle between the main pane and the side panel: drag it, or focus it and use the arrow
 * keys (Home and End for the narrowest and widest). The width is remembered on this device.
 */
export function PanelResizer() {
  const width = useFlare((s) => s.panelWidth)
  const dragging = useRef<{ right: number } | null>(null)

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    const workspace = event.currentTarget.parentElement?.getBoundingClientRect()
    if (!workspace) return
    event.currentTarget.setPointerCapture(event.pointerId)
    dragging.current = { right: workspace.right }
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    if (!dragging.current) return
    setPanelWidth(dragging.current.right - event.clientX)
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const next =
      event.key === 'ArrowLeft'
        ? width + KEY_STEP
        : event.key === 'ArrowRight'
          ? width - KEY_STEP
          : event.key === 'Home'
            ? PANEL_MIN
            : event.key === 'End'
              ? PANEL_MAX
              : null
    if (next === null) return
    event.preventDefault()
    setPanelWidth(next)
  }

  return (
    // biome-ignore lint/a11y/useSemanticElements: a focusable separator is the WAI-ARIA window splitter; <hr> cannot take focus
    <div
      className="panel-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Side panel width"
      aria-valuenow={width}
      aria-valuemin={PANEL_MIN}
      aria-valuemax={PANEL_MAX}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => {
        dragging.current = null
      }}
      onPointerCancel={() => {
        dragging.current = null
      }}
      onKeyDown={onKeyDown}
    />
  )
}
