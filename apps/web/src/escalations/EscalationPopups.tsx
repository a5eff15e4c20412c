import type { SpaceDto } from '@flare/protocol'
import { openDirectChat } from '../chat/chat-actions.js'
import { useFlare } from '../store/index.js'
import { respondToEscalation } from './escalation-actions.js'
import { HandIcon, UrgentIcon } from './icons.js'
import { ESCALATION_KIND } from './labels.js'

/**
 * The pop-ups over raisers' avatars, positioned over the map in the map's own proportions.
 * The message is cut to fit with an ellipsis; hovering or focusing shows all of it and offers
 * a chat with the raiser.
 */
export function EscalationPopups({ space }: { space: SpaceDto }) {
  const snapshot = useFlare((s) => s.snapshot)
  if (!snapshot) return null
  return (
    <div className="popups">
      {snapshot.escalations.map((e) => {
        const raiser = snapshot.members.find((m) => m.userId === e.raisedBy)
        if (!raiser) return null
        const kind = ESCALATION_KIND[e.color]
        const own = e.raisedBy === snapshot.you
        return (
          // biome-ignore lint/a11y/useSemanticElements: a pop-up over an avatar, not a form fieldset
          <div
            key={e.id}
            className={`popup popup-${e.color}`}
            data-escalation-id={e.id}
            style={{
              left: `${(raiser.x / space.mapWidth) * 100}%`,
              top: `${(raiser.y / space.mapHeight) * 100}%`,
            }}
            role="group"
            aria-label={`${kind.label} by ${raiser.displayName}${e.message ? `: ${e.message}` : ''}`}
          >
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so a keyboard user can read the whole message */}
            <div className="popup-body" tabIndex={0} title={e.message || undefined}>
              <span className="popup-icon">
                {e.color === 'red' ? <UrgentIcon /> : <HandIcon />}
              </span>
              <span className="popup-kind">{kind.label}</span>
              {e.message && <span className="popup-message">{e.message}</span>}
            </div>
            {!own && (
              <button
                type="button"
                className="popup-chat"
                onClick={() => {
                  void respondToEscalation(e.id, 'chat')
                  openDirectChat(e.raisedBy)
                }}
              >
                Chat with {raiser.displayName.split(' ')[0]}
              </button>
            )}
          </div>
        )
      })}
    </div>
  )
}
