import type { KeyboardEvent, ReactNode } from 'react'

/** A card's action with its one-key shortcut, shown on the button and announced to screen readers. */
export interface CardAction {
  label: string
  /** The key, as `aria-keyshortcuts` names it: `A`, `C`, `O`, `Escape`. */
  shortcut: string
  run(): void
  primary?: boolean
  disabled?: boolean
  /** A longer name for screen readers when the label alone is ambiguous. */
  ariaLabel?: string
}

function keyHint(shortcut: string): string {
  return shortcut === 'Escape' ? 'Esc' : shortcut
}

/**
 * One card in the alert rail, with the shared frame: a heading, the body, the actions with
 * their shortcut keys. While focus is in the card, the shortcut keys act (Escape dismisses);
 * letters typed into a field never do. A collapsed card (you responded, or it is beyond the
 * first three) is one line that still offers its actions.
 */
export function AlertCard({
  id,
  tone,
  icon,
  title,
  meta,
  children,
  actions,
  collapsed,
  status,
  onExpand,
}: {
  id: string
  tone: 'urgent' | 'ticket' | 'sla'
  icon: ReactNode
  title: string
  /** Beside the title: how long it has been up. */
  meta?: ReactNode
  children?: ReactNode
  actions: CardAction[]
  collapsed: boolean
  /** What happened since (you responded, someone took it): shown in both states. */
  status?: ReactNode
  onExpand?: () => void
}) {
  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    const target = event.target as HTMLElement
    if (target.closest('input, textarea, select, [contenteditable="true"]')) return
    if (event.ctrlKey || event.metaKey || event.altKey) return
    const key = event.key.length === 1 ? event.key.toUpperCase() : event.key
    const action = actions.find((a) => a.shortcut === key && !a.disabled)
    if (!action) return
    event.preventDefault()
    event.stopPropagation()
    action.run()
  }

  return (
    <article
      className={`alert-card alert-${tone}${collapsed ? ' collapsed' : ''}`}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      data-alert-card={id}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <div className="alert-head">
        <span className="alert-icon">{icon}</span>
        <h3 id={`${id}-title`}>{title}</h3>
        {meta && <span className="alert-meta">{meta}</span>}
      </div>
      <div id={`${id}-body`} className="alert-body" hidden={collapsed}>
        {children}
      </div>
      {status && <p className="alert-status">{status}</p>}
      <div className="alert-actions">
        {collapsed && onExpand && (
          <button type="button" className="ghost small" onClick={onExpand}>
            Show
          </button>
        )}
        {actions.map((a) => (
          <button
            key={a.label}
            type="button"
            className={a.primary ? 'small' : 'secondary small'}
            disabled={a.disabled}
            aria-keyshortcuts={a.shortcut}
            aria-label={a.ariaLabel}
            onClick={a.run}
          >
            {a.label}
            <span className="key" aria-hidden="true">
              {keyHint(a.shortcut)}
            </span>
          </button>
        ))}
      </div>
    </article>
  )
}
