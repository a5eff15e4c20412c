import { useState } from 'react'
import { openDirectChat } from '../chat/chat-actions.js'
import { RelativeTime } from '../layout/RelativeTime.js'
import { firstName } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { AlertCard, type CardAction } from './AlertCard.js'
import type { Alert } from './alerts.js'
import { dismissNotification, respondToHand } from './hand-actions.js'
import { UrgentIcon } from './icons.js'

/** An urgent hand that notified you: Approach (A), Chat (C), or dismiss (Esc). */
export function HandAlertCard({
  alert,
  collapsed,
  onExpand,
  onDone,
}: {
  alert: Extract<Alert, { kind: 'hand' }>
  collapsed: boolean
  onExpand(): void
  /** The card is going away (dismissed): the rail moves focus on. */
  onDone(): void
}) {
  const { escalation, raiserName } = alert.notification
  const inRoom = useFlare((s) => {
    const me = s.snapshot?.members.find((m) => m.userId === s.snapshot?.you)
    return me?.roomId != null
  })
  const [error, setError] = useState<string | null>(null)
  const first = firstName(raiserName)
  const id = `alert-${escalation.id}`

  async function approach() {
    const result = await respondToHand(escalation.id, 'approach')
    setError(result.ok ? null : result.error.message)
  }

  function chat() {
    void respondToHand(escalation.id, 'chat')
    openDirectChat(escalation.raisedBy)
  }

  const dismiss: CardAction = {
    label: 'Dismiss',
    shortcut: 'Escape',
    ariaLabel: `Dismiss ${raiserName}'s urgent hand`,
    run: () => {
      onDone()
      dismissNotification(escalation.id)
    },
  }
  const approachAction: CardAction = {
    label: 'Approach',
    shortcut: 'A',
    primary: true,
    disabled: inRoom,
    run: () => void approach(),
  }
  const chatAction: CardAction = { label: 'Chat', shortcut: 'C', run: chat }
  const actions =
    alert.responded === 'approach'
      ? [chatAction, dismiss]
      : alert.responded === 'chat'
        ? [approachAction, dismiss]
        : collapsed
          ? [dismiss]
          : [approachAction, chatAction, dismiss]

  return (
    <AlertCard
      id={id}
      tone="urgent"
      icon={<UrgentIcon />}
      title={`Urgent hand: ${raiserName} needs help`}
      meta={<RelativeTime iso={escalation.startedAt} mode="elapsed" />}
      collapsed={collapsed}
      onExpand={alert.responded ? undefined : onExpand}
      actions={actions}
      status={
        alert.responded === 'approach'
          ? `You are approaching ${first}.`
          : alert.responded === 'chat'
            ? `You are chatting with ${first}.`
            : undefined
      }
    >
      <p className="alert-message">
        {escalation.message ? `“${escalation.message}”` : 'No message: they need someone.'}
      </p>
      {inRoom && (
        <p className="muted small">
          Approach is not available inside a meeting room: leave it first.
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </AlertCard>
  )
}
