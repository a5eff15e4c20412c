import { useState } from 'react'
import { openDirectChat } from '../chat/chat-actions.js'
import { useFlare } from '../store/index.js'
import { AlertCard, AlertStack } from './AlertCard.js'
import { dismissNotification, respondToEscalation } from './escalation-actions.js'

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
    <AlertStack label="Escalations for you">
      {notifications.map(({ escalation, raiserName }) => (
        <AlertCard
          key={escalation.id}
          id={escalation.id}
          title={`${raiserName} needs help`}
          body={<p>{escalation.message || 'No message: they raised their hand.'}</p>}
          actions={
            <>
              <span
                title={
                  inRoom ? 'Not available inside a meeting room: leave the room first.' : undefined
                }
              >
                <button
                  type="button"
                  disabled={inRoom}
                  onClick={() => void approach(escalation.id)}
                >
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
            </>
          }
        >
          {inRoom && (
            <p className="muted small">Approach is not available inside a meeting room.</p>
          )}
          {errors[escalation.id] && (
            <p role="alert" className="error">
              {errors[escalation.id]}
            </p>
          )}
        </AlertCard>
      ))}
    </AlertStack>
  )
}
