import { useFlare } from '../store/index.js'
import { endEscalation, lowerAllEscalations } from './escalation-actions.js'
import { HandIcon, UrgentIcon } from './icons.js'
import { ESCALATION_KIND, responseText } from './labels.js'
import { formatUptime, useServerNow } from './time.js'

/** The active escalations, oldest first, with how long each has been up and who is helping. */
export function EscalationList() {
  const snapshot = useFlare((s) => s.snapshot)
  const role = useFlare((s) => (s.space.status === 'ready' ? s.space.value.role : null))
  const now = useServerNow()
  if (!snapshot || snapshot.escalations.length === 0) return null
  const managing = role === 'admin' || role === 'manager'
  const name = (id: string) =>
    snapshot.members.find((m) => m.userId === id)?.displayName ?? 'Someone who left'
  const sorted = [...snapshot.escalations].sort((a, b) => a.startedAt.localeCompare(b.startedAt))

  return (
    <section className="escalation-list" aria-labelledby="raised-hands">
      <div className="escalation-list-head">
        <h2 id="raised-hands">Escalations ({sorted.length})</h2>
        {managing && (
          <button
            type="button"
            className="secondary small"
            onClick={() => void lowerAllEscalations()}
          >
            Lower all
          </button>
        )}
      </div>
      <ol>
        {sorted.map((e) => {
          const kind = ESCALATION_KIND[e.color]
          const own = e.raisedBy === snapshot.you
          return (
            <li key={e.id} className={`escalation-item escalation-${e.color}`}>
              <span className="item-icon">{e.color === 'red' ? <UrgentIcon /> : <HandIcon />}</span>
              <div>
                <strong>{name(e.raisedBy)}</strong> <span className="tag">{kind.label}</span>
                {e.message && <p className="escalation-message">{e.message}</p>}
                <p className="muted small">
                  Up{' '}
                  <time dateTime={e.startedAt}>{formatUptime(now - Date.parse(e.startedAt))}</time>
                  {e.responses.map(
                    (r) => ` · ${responseText(name(r.userId).split(' ')[0] ?? '', r.action)}`,
                  )}
                </p>
              </div>
              {(own || managing) && (
                <button
                  type="button"
                  className="secondary small"
                  aria-label={own ? 'Lower your hand' : `End ${name(e.raisedBy)}'s escalation`}
                  onClick={() => void endEscalation(own ? undefined : e.id)}
                >
                  End
                </button>
              )}
            </li>
          )
        })}
      </ol>
    </section>
  )
}
