import type { EscalationDto, MemberPresence } from '@flare/protocol/client'
import { type CSSProperties, type RefObject, useEffect, useState } from 'react'
import { openDirectChat } from '../chat/chat-actions.js'
import type { MapLabelTexts } from '../components/map-labels.js'
import { placeOn, useStageWidth, type View } from '../components/map-view.js'
import { displayNameOf } from '../layout/people.js'
import { firstName, listOf } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { respondToHand } from './hand-actions.js'
import { HandIcon, UrgentIcon } from './icons.js'
import { ESCALATION_KIND, respondingLine, respondingTexts } from './labels.js'
import {
  type Box,
  type EdgePin,
  edgePins,
  memberBoxes,
  type OffSide,
  POPUP_GEOMETRY,
  type PopupPlace,
  type PopupToPlace,
  placePopups,
} from './popup-layout.js'

/**
 * The part of the stage its scrolling viewport shows, in the stage's own pixels (zoomed in,
 * the stage is larger than the pane): pop-ups keep inside it, so a scrolled map does not cut
 * one off at its edge. Null until measured. Follows scrolling and resizing, one frame at a time.
 */
function useShownPart(ref: RefObject<HTMLElement | null>): Box | null {
  const [part, setPart] = useState<Box | null>(null)
  useEffect(() => {
    const layer = ref.current
    const viewport = layer?.closest<HTMLElement>('.viewport')
    if (!layer || !viewport) return
    let frame = 0
    const measure = () => {
      frame = 0
      const shown = viewport.getBoundingClientRect()
      const stage = layer.getBoundingClientRect()
      const next = {
        left: Math.max(0, shown.left - stage.left),
        top: Math.max(0, shown.top - stage.top),
        right: Math.min(stage.width, shown.right - stage.left),
        bottom: Math.min(stage.height, shown.bottom - stage.top),
      }
      setPart((p) =>
        p &&
        Math.abs(p.left - next.left) < 1 &&
        Math.abs(p.top - next.top) < 1 &&
        Math.abs(p.right - next.right) < 1 &&
        Math.abs(p.bottom - next.bottom) < 1
          ? p
          : next,
      )
    }
    const soon = () => {
      if (!frame) frame = requestAnimationFrame(measure)
    }
    measure()
    viewport.addEventListener('scroll', soon, { passive: true })
    const resized = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(soon)
    resized?.observe(viewport)
    resized?.observe(layer)
    return () => {
      viewport.removeEventListener('scroll', soon)
      resized?.disconnect()
      if (frame) cancelAnimationFrame(frame)
    }
  }, [ref])
  return part
}

// a pop-up's width as drawn: icon and padding, then about 7 px a character up to its maximum
function estimateWidth(text: string): number {
  return Math.min(272, 44 + 7.2 * [...text].length)
}

const SIDE_ARROWS: Record<OffSide, string> = { left: '←', right: '→', up: '↑', down: '↓' }
const SIDE_WORDS: Record<OffSide, string> = {
  left: 'off the map to the left',
  right: 'off the map to the right',
  up: 'off the map above',
  down: 'off the map below',
}

/** Scrolls the map's viewport so that `point` (stage pixels) is in its middle. */
function scrollStageTo(layer: HTMLElement | null, point: { x: number; y: number }) {
  const viewport = layer?.closest<HTMLElement>('.viewport')
  if (!layer || !viewport) return
  const stage = layer.getBoundingClientRect()
  const shown = viewport.getBoundingClientRect()
  const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false
  viewport.scrollTo({
    left: viewport.scrollLeft + stage.left - shown.left + point.x - viewport.clientWidth / 2,
    top: viewport.scrollTop + stage.top - shown.top + point.y - viewport.clientHeight / 2,
    behavior: reduced ? 'auto' : 'smooth',
  })
}

const NO_LABELS: ReadonlyMap<string, MapLabelTexts> = new Map()

/**
 * Everyone's avatar, name and note on the stage, as the map draws them (`labels`, drawn
 * `enlarged`), for pop-ups to keep off.
 */
function peopleBoxes(
  members: readonly MemberPresence[],
  labels: ReadonlyMap<string, MapLabelTexts>,
  enlarged: number,
  onStage: (m: { x: number; y: number }) => { x: number; y: number },
  scale: number,
): Box[] {
  return members.flatMap((m) =>
    memberBoxes(
      { ...onStage(m), ...(labels.get(m.userId) ?? { name: '', note: null }) },
      scale,
      enlarged,
    ),
  )
}

/**
 * The pop-ups over raisers' avatars, placed over the part of the map the stage shows (`view`). Each sits above its raiser
 * with a pointer down to them, so it never hides the person who asked. The first words show
 * (at least 24 characters); hovering or focusing shows all of it and offers a chat.
 * `compact` (the mini-map) shows just the flare: icon and colour, no text, nothing to press.
 */
export function HandPopups({
  view,
  compact = false,
  labels = NO_LABELS,
  labelScale = 1,
}: {
  view: View
  compact?: boolean
  /** The names and notes the map writes under people (`mapLabelTexts`), to keep clear of. */
  labels?: ReadonlyMap<string, MapLabelTexts>
  /** How much larger than at a scale of 1 the map draws them (`labelScaleFor`). */
  labelScale?: number
}) {
  const snapshot = useFlare((s) => s.snapshot)
  const [ref, stageWidth] = useStageWidth()
  const shownPart = useShownPart(ref)
  if (!snapshot) return <div className="popups" ref={ref} />
  const nameOf = displayNameOf
  const scale = stageWidth / view.width
  const shown = [...snapshot.escalations]
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .flatMap((e): Array<{ e: EscalationDto; raiser: MemberPresence }> => {
      const raiser = snapshot.members.find((m) => m.userId === e.raisedBy)
      return raiser ? [{ e, raiser }] : []
    })
  // the longest-waiting hand keeps the best place; later ones go round it and round people
  const onStage = (m: { x: number; y: number }) => ({
    x: (m.x - view.x) * scale,
    y: (m.y - view.y) * scale,
  })
  const responding = new Map(
    shown.map(({ e }) => [
      e.id,
      respondingTexts(e.responses, (id) => firstName(nameOf(id)), snapshot.you),
    ]),
  )
  // zoomed in (a phone), a raiser beyond the part on show gets a pin at its edge instead
  // (a part not measured yet, or of no size while its tab is hidden, pins nobody)
  const measured = shownPart && shownPart.right > shownPart.left && shownPart.bottom > shownPart.top
  const pins = new Map<string, EdgePin>(
    compact || !measured
      ? []
      : edgePins(
          shown.map(({ e, raiser }) => ({ id: e.id, ...onStage(raiser) })),
          shownPart,
        ).map((pin) => [pin.id, pin]),
  )
  const toPlace = shown
    .filter(({ e }) => !pins.has(e.id))
    .map(
      ({ e, raiser }): PopupToPlace => ({
        id: e.id,
        ...onStage(raiser),
        width: estimateWidth(e.message || ESCALATION_KIND[e.color].label),
        lines: responding.get(e.id)?.length ? 2 : 1,
      }),
    )
  // nothing to place (most of the time): no walk over everyone present at every presence change
  const places =
    compact || toPlace.length === 0
      ? new Map<string, PopupPlace>()
      : placePopups(
          toPlace,
          peopleBoxes(snapshot.members, labels, labelScale, onStage, scale),
          shownPart ?? { left: 0, top: 0, right: stageWidth, bottom: view.height * scale },
          POPUP_GEOMETRY,
          scale,
        )
  return (
    <div className={compact ? 'popups compact' : 'popups'} ref={ref}>
      {shown.map(({ e, raiser }) => {
        const kind = ESCALATION_KIND[e.color]
        const own = e.raisedBy === snapshot.you
        const icon = e.color === 'red' ? <UrgentIcon /> : <HandIcon />
        const placed = places.get(e.id)
        const place = {
          // the pointer's tip rests just above the avatar's ring
          ...placeOn(view, raiser.x, raiser.y - POPUP_GEOMETRY.tipAbove),
          '--lift': `${placed?.lift ?? 0}px`,
          '--shift': `${placed?.shift ?? 0}px`,
        } as CSSProperties
        if (compact) {
          return (
            <span
              key={e.id}
              className={`popup popup-${e.color}`}
              data-escalation-id={e.id}
              style={place}
            >
              <span className="popup-body">{icon}</span>
            </span>
          )
        }
        const pin = pins.get(e.id)
        if (pin) {
          return (
            <button
              key={e.id}
              type="button"
              className={`hand-pin hand-pin-${e.color} hand-pin-${pin.side}`}
              data-escalation-id={e.id}
              style={{ left: pin.x, top: pin.y }}
              aria-label={`${kind.label} by ${raiser.displayName}, ${SIDE_WORDS[pin.side]}: show`}
              onClick={() => scrollStageTo(ref.current, onStage(raiser))}
            >
              <span aria-hidden="true" className="hand-pin-arrow">
                {SIDE_ARROWS[pin.side]}
              </span>
              {icon}
              <span>{firstName(raiser.displayName)}</span>
            </button>
          )
        }
        const responders = responding.get(e.id) ?? []
        const line = respondingLine(responders)
        const text = e.message || kind.label
        return (
          // biome-ignore lint/a11y/useSemanticElements: a pop-up over an avatar, not a form fieldset
          <div
            key={e.id}
            className={`popup popup-${e.color}${placed && placed.lift > 0 ? ' lifted' : ''}`}
            data-escalation-id={e.id}
            style={place}
            role="group"
            aria-label={`${kind.label} by ${raiser.displayName}${e.message ? `: ${e.message}` : ''}`}
          >
            {!own && (
              <button
                type="button"
                className="popup-chat"
                onClick={() => {
                  void respondToHand(e.id, 'chat')
                  openDirectChat(e.raisedBy)
                }}
              >
                Chat with {firstName(raiser.displayName)}
              </button>
            )}
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so a keyboard user can read the whole message */}
            <div className="popup-body" tabIndex={0} title={e.message || undefined}>
              <span className="popup-icon">{icon}</span>
              <span className="popup-text">
                <span className="popup-message">{text}</span>
                {line && (
                  <span className="popup-responding">
                    <span className={responders.length > 1 ? 'popup-responding-short' : undefined}>
                      {line}
                    </span>
                    {responders.length > 1 && (
                      <span className="popup-responding-all">{listOf(responders)}</span>
                    )}
                  </span>
                )}
              </span>
            </div>
          </div>
        )
      })}
    </div>
  )
}
