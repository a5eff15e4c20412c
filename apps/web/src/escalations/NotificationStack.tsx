import { useState } from 'react'
import { openDirectChat } from '../chat/chat-actions.js'
import { useFlare } from '../store/index.js'
import { dismissNotification, respondToEscalation } from './escalation-actions.js'
import { UrgentIcon } from './icons.js'

/** The cards of red escalations that notified you: Approach, Chat, or dismiss. */
export function NotificationStack() {
  const notifications = useFlare((s) => s.notifications)
  const inRoom = useFlare((s) => {
    const me = s.snapshot?.members.find((m) => m.userId === s.snapshot?.you)
    return me?.roomId != null
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  if (notifications.length === 0) return null

  async function approach(id: string) {
    const result = await respondToEscalation(id, 'approach')
    setErrors((e) => ({ ...e, [id]: result.ok ? '' : result.error.message }))
  }

  return (
    <section className="notifications" aria-label="Escalations for you">
      {notifications.map(({ escalation, raiserName }) => (
        <article
          key={escalation.id}
          className="notification-card"
          role="alertdialog"
          aria-labelledby={`n-${escalation.id}`}
          aria-describedby={`nm-${escalation.id}`}
        >
          <h2 id={`n-${escalation.id}`}>
            <UrgentIcon />
            {raiserName} needs help
          </h2>
          <p id={`nm-${escalation.id}`}>
            {escalation.message || 'No message: they raised their hand.'}
          </p>
          <div className="actions">
            <span
              title={
                inRoom ? 'Not available inside a meeting room: leave the room first.' : undefined
              }
            >
              <button type="button" disabled={inRoom} onClick={() => void approach(escalation.id)}>
                Approach
              </button>
            </span>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                void respondToEscalation(escalation.id, 'chat')
                openDirectChat(escalation.raisedBy)
              }}
            >
              Chat
            </button>
            <button
              type="button"
              className="secondary"
              aria-label={`Dismiss ${raiserName}'s escalation card`}
              onClick={() => dismissNotification(escalation.id)}
            >
              Dismiss
            </button>
          </div>
          {inRoom && (
            <p className="muted small">Approach is not available inside a meeting room.</p>
          )}
          {errors[escalation.id] && (
            <p role="alert" className="error">
              {errors[escalation.id]}
            </p>
          )}
        </article>
      ))}
    </section>
  )
}
