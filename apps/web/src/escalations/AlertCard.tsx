import type { ReactNode } from 'react'
import { UrgentIcon } from './icons.js'

/**
 * A red card that asks for someone's attention: the raised hand's (`NotificationStack`) and
 * the automatic escalation's (`TicketAlertStack`). `body` describes it to screen readers;
 * `children` come after the actions (notes, errors).
 */
export function AlertCard({
  id,
  title,
  body,
  actions,
  children,
}: {
  id: string
  title: ReactNode
  body: ReactNode
  actions: ReactNode
  children?: ReactNode
}) {
  return (
    <article
      className="notification-card"
      role="alertdialog"
      aria-labelledby={`n-${id}`}
      aria-describedby={`nm-${id}`}
    >
      <h2 id={`n-${id}`}>
        <UrgentIcon />
        {title}
      </h2>
      <div id={`nm-${id}`}>{body}</div>
      <div className="actions">{actions}</div>
      {children}
    </article>
  )
}

/** Where alert cards stack, top right over the page. */
export function AlertStack({ label, children }: { label: string; children: ReactNode }) {
  return (
    <section className="notifications" aria-label={label}>
      {children}
    </section>
  )
}
