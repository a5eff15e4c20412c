import { useState } from 'react'
import { openDirectChat } from '../chat/chat-actions.js'
import { Face } from '../layout/Face.js'
import { displayNameOf } from '../layout/people.js'
import { RelativeTime } from '../layout/RelativeTime.js'
import { WelcomeCard } from '../layout/WelcomeCard.js'
import { countOf, firstName, listOf } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { endHand, lowerAllHands, respondToHand } from './hand-actions.js'
import { HandIcon, UrgentIcon } from './icons.js'
import { ESCALATION_KIND, respondingTexts } from './labels.js'

/**
 * "Lower all", asked once more before it ends everyone's hand (urgent ones too, and nothing
 * brings them back): the question and its button name how many; Cancel has the focus, so
 * Enter pressed twice, Escape or Cancel keeps them up.
 */
function LowerAll({ count }: { count: number }) {
  const [asking, setAsking] = useState(false)
  if (!asking) {
    return (
      <button type="button" className="secondary small" onClick={() => setAsking(true)}>
        Lower all
      </button>
    )
  }
  return (
    <fieldset
      className="lower-all-confirm"
      aria-label="Lower every hand?"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          setAsking(false)
        }
      }}
    >
      <span className="small">Lower {countOf(count, 'hand', 'hands')} for everyone?</span>
      <button
        type="button"
        className="small danger"
        onClick={() => {
          setAsking(false)
          void lowerAllHands()
        }}
      >
        Lower {countOf(count, 'hand', 'hands')}
      </button>
      {/* the safe answer has the focus: Enter pressed twice keeps every hand up */}
      <button
        type="button"
        className="secondary small"
        // biome-ignore lint/a11y/noAutofocus: the question just asked is where the answer goes
        autoFocus
        onClick={() => setAsking(false)}
      >
        Cancel
      </button>
    </fieldset>
  )
}

/**
 * The Hands tab: every raised hand in the space, oldest first (the one waiting longest on
 * top), how long each has waited and who is responding. Your own can be lowered here; admins
 * and managers can end anyone's, or lower all.
 */
export function HandsPanel() {
  const snapshot = useFlare((s) => s.snapshot)
  const role = useFlare((s) => (s.space.status === 'ready' ? s.space.value.role : null))
  if (!snapshot) {
    return (
      <p className="muted" aria-busy="true">
        Connecting to the space…
      </p>
    )
  }
  const managing = role === 'admin' || role === 'manager'
  // from the space's members, so someone who has left is still named
  const name = displayNameOf
  const sorted = [...snapshot.escalations].sort((a, b) => a.startedAt.localeCompare(b.startedAt))

  return (
    <section className="hands" aria-labelledby="hands-heading">
      {/* with nobody's hand up the welcome leads; once hands are up, they do */}
      {sorted.length === 0 && <WelcomeCard />}
      <div className="hands-head">
        <h2 id="hands-heading">Raised hands</h2>
        <span className="muted small">{countOf(sorted.length, 'hand up', 'hands up')}</span>
        {managing && sorted.length > 0 && <LowerAll count={sorted.length} />}
      </div>
      {sorted.length === 0 ? (
        <p className="muted empty">
          No hands up. When someone raises one it shows here, the longest waiting first.
        </p>
      ) : (
        <ol className="hands-list" aria-labelledby="hands-heading">
          {sorted.map((e) => {
            const kind = ESCALATION_KIND[e.color]
            const own = e.raisedBy === snapshot.you
            const raiser = name(e.raisedBy)
            const responding = respondingTexts(
              e.responses,
              (id) => firstName(name(id)),
              snapshot.you,
            )
            return (
              <li key={e.id} className={`hand-item hand-${e.color}`} data-escalation-id={e.id}>
                <Face userId={e.raisedBy} name={raiser} className="hand-avatar" />
                <div className="hand-main">
                  <p className="hand-who">
                    <strong>{own ? 'You' : raiser}</strong>{' '}
                    <span className={`tag tag-${e.color}`}>
                      {e.color === 'red' ? <UrgentIcon /> : <HandIcon />}
                      {kind.label}
                    </span>
                  </p>
                  {e.message && <p className="hand-message">“{e.message}”</p>}
                  <p className="hand-meta">
                    Waiting <RelativeTime iso={e.startedAt} mode="elapsed" />
                    {' · '}
                    {responding.length > 0 ? (
                      <span className="hand-responding">{listOf(responding)}</span>
                    ) : (
                      <span className="muted">nobody responding yet</span>
                    )}
                  </p>
                </div>
                <div className="hand-actions">
                  {own ? (
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => void endHand()}
                    >
                      Lower
                    </button>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="secondary small"
                        aria-label={`Chat with ${raiser}`}
                        onClick={() => {
                          void respondToHand(e.id, 'chat')
                          openDirectChat(e.raisedBy)
                        }}
                      >
                        Chat
                      </button>
                      {managing && (
                        <button
                          type="button"
                          className="secondary small"
                          aria-label={`End ${raiser}'s hand`}
                          onClick={() => void endHand(e.id)}
                        >
                          End
                        </button>
                      )}
                    </>
                  )}
                </div>
              </li>
            )
          })}
        </ol>
      )}
      {sorted.length > 0 && <WelcomeCard />}
    </section>
  )
}
