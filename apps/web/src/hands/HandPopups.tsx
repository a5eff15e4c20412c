import type { EscalationDto, MemberPresence } from '@flare/protocol/client'
import type { CSSProperties } from 'react'
import { openDirectChat } from '../chat/chat-actions.js'
import { placeOn, useStageWidth, type View } from '../components/map-view.js'
import { displayNameOf } from '../layout/people.js'
import { firstName, listOf } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { respondToHand } from './hand-actions.js'
import { HandIcon, UrgentIcon } from './icons.js'
import { ESCALATION_KIND, responseText } from './labels.js'

/** How high each pop-up is lifted (in rows) so neighbours' pop-ups never cover each other. */
export function popupLevels(
  popups: ReadonlyArray<{ id: string; x: number; y: number; width: number }>,
  rowHeight: number,
): Map<string, number> {
  const placed: Array<{ left: number; right: number; y: number; level: number }> = []
  const levels = new Map<string, number>()
  for (const p of popups) {
    const left = p.x - p.width / 2
    const right = p.x + p.width / 2
    let level = 0
    while (
      placed.some(
        (q) =>
          q.level === level &&
          Math.abs(q.y - p.y) < rowHeight * 1.5 &&
          left < q.right + 4 &&
          q.left < right + 4,
      )
    ) {
      level += 1
    }
    placed.push({ left, right, y: p.y, level })
    levels.set(p.id, level)
  }
  return levels
}

// a pop-up's width as drawn: icon and padding, then about 7 px a character up to its maximum
function estimateWidth(text: string): number {
  return Math.min(272, 44 + 7.2 * [...text].length)
}

/**
 * The pop-ups over raisers' avatars, placed over the part of the map the stage shows (`view`). Each sits above its raiser
 * with a pointer down to them, so it never hides the person who asked. The first words show
 * (at least 24 characters); hovering or focusing shows all of it and offers a chat.
 * `compact` (the mini-map) shows just the flare: icon and colour, no text, nothing to press.
 */
export function HandPopups({ view, compact = false }: { view: View; compact?: boolean }) {
  const snapshot = useFlare((s) => s.snapshot)
  const [ref, stageWidth] = useStageWidth()
  if (!snapshot) return <div className="popups" ref={ref} />
  const nameOf = displayNameOf
  const scale = stageWidth / view.width
  const shown = [...snapshot.escalations]
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .flatMap((e): Array<{ e: EscalationDto; raiser: MemberPresence }> => {
      const raiser = snapshot.members.find((m) => m.userId === e.raisedBy)
      return raiser ? [{ e, raiser }] : []
    })
  // the longest-waiting hand keeps the lowest place; later neighbours rise above it
  const levels = compact
    ? new Map<string, number>()
    : popupLevels(
        shown.map(({ e, raiser }) => ({
          id: e.id,
          x: raiser.x * scale,
          y: raiser.y * scale,
          width: estimateWidth(e.message || ESCALATION_KIND[e.color].label),
        })),
        34,
      )
  return (
    <div className={compact ? 'popups compact' : 'popups'} ref={ref}>
      {shown.map(({ e, raiser }) => {
        const kind = ESCALATION_KIND[e.color]
        const own = e.raisedBy === snapshot.you
        const icon = e.color === 'red' ? <UrgentIcon /> : <HandIcon />
        const place = {
          // the pointer's tip rests just above the avatar's ring
          ...placeOn(view, raiser.x, raiser.y - 30),
          '--lift': `${(levels.get(e.id) ?? 0) * 34}px`,
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
        const responding = e.responses.map((r) =>
          responseText(firstName(nameOf(r.userId)), r.action, r.userId === snapshot.you),
        )
        const text = e.message || kind.label
        return (
          // biome-ignore lint/a11y/useSemanticElements: a pop-up over an avatar, not a form fieldset
          <div
            key={e.id}
            className={`popup popup-${e.color}`}
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
                {responding.length > 0 && (
                  <span className="popup-responding">{listOf(responding)}</span>
                )}
              </span>
            </div>
          </div>
        )
      })}
    </div>
  )
}
