import { useEffect, useRef, useState } from 'react'
import { alertTitle } from '../automation/alert-text.js'
import { SlaWarningCard } from '../automation/SlaWarningCard.js'
import { TicketAlertCard } from '../automation/TicketAlertCard.js'
import { MoreBelowButton } from '../layout/MoreBelowButton.js'
import { PHONE_QUERY, useMediaQuery } from '../layout/useMediaQuery.js'
import { useMoreBelow } from '../layout/useMoreBelow.js'
import { countOf } from '../layout/words.js'
import { type Alert, useAlerts } from './alerts.js'
import { HandAlertCard } from './HandAlertCard.js'

/** Cards shown whole at once; the rest are one line each until someone opens them. */
const EXPANDED_MAX = 3

function describe(alert: Alert): string {
  if (alert.kind === 'hand') return `Urgent hand from ${alert.notification.raiserName}`
  if (alert.kind === 'sla') return `SLA at risk: ${alert.warning.ticket.subject}`
  return alertTitle(alert.alert.event)
}

/** Whether Alt+1 was pressed: by the key's place, so Option+1 on a Mac counts too. */
function isAltOne(event: KeyboardEvent): boolean {
  return event.altKey && !event.ctrlKey && !event.metaKey && event.code === 'Digit1'
}

/**
 * The alert rail: raised hands that notified you and ticket escalations that reached you, in
 * one column of their own, newest first. It never takes focus by itself (you may be typing);
 * Alt+1 brings you to the newest card, Escape dismisses it and takes you back to where you
 * were. At most three cards are open; a card you responded to folds to one line. `folded`
 * (a phone showing a ticket, chat or your settings under the strip) starts every card as its
 * one line, so the strip does not take the screen from what you are doing; each opens on
 * request.
 */
export function AlertRail({ folded: foldAll = false }: { folded?: boolean }) {
  const alerts = useAlerts()
  const rail = useRef<HTMLElement>(null)
  // beside the map the list scrolls in its share of the column: what it hides is said (on a
  // phone the whole strip scrolls, and says it there)
  const [list, setList] = useState<HTMLOListElement | null>(null)
  const phone = useMediaQuery(PHONE_QUERY)
  const below = useMoreBelow(list, '.alert-list > li')
  const returnTo = useRef<HTMLElement | null>(null)
  const focusAfter = useRef<number | null>(null)
  const seen = useRef<Set<string>>(new Set())
  const [opened, setOpened] = useState<Set<string>>(new Set())
  const [heard, setHeard] = useState('')

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!isAltOne(event)) return
      const first = rail.current?.querySelector<HTMLElement>('[data-alert-card]')
      if (!first) return
      event.preventDefault()
      const active = document.activeElement
      if (active instanceof HTMLElement && !rail.current?.contains(active))
        returnTo.current = active
      first.focus()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [])

  // a new alert is announced once, with the key that reaches it; focus stays where it is
  useEffect(() => {
    const fresh = alerts.filter((a) => !a.responded && !seen.current.has(a.key))
    for (const a of alerts) seen.current.add(a.key)
    const newest = fresh[0]
    if (newest) setHeard(`${describe(newest)}. Press Alt+1 to respond.`)
  }, [alerts])

  // after a dismissal, focus goes to the card now in its place, else back where you were
  useEffect(() => {
    const index = focusAfter.current
    if (index === null) return
    focusAfter.current = null
    const cards = rail.current?.querySelectorAll<HTMLElement>('[data-alert-card]') ?? []
    const next = cards[Math.min(index, cards.length - 1)]
    if (next) next.focus()
    else if (returnTo.current?.isConnected) returnTo.current.focus()
  })

  const waiting = alerts.filter((a) => !a.responded)
  const open = new Set([
    ...waiting.slice(0, foldAll ? 0 : EXPANDED_MAX).map((a) => a.key),
    ...opened,
  ])
  const isFolded = (a: Alert) => Boolean(a.responded) || !open.has(a.key)
  const folded = alerts.filter(isFolded).length

  function done(index: number) {
    // only when focus is in the rail: a mouse click elsewhere leaves focus alone
    if (rail.current?.contains(document.activeElement)) focusAfter.current = index
  }

  return (
    <>
      <div className="sr-only" aria-live="assertive" data-testid="alert-announcer">
        {heard}
      </div>
      {alerts.length > 0 && (
        <section className="alert-rail" aria-labelledby="alerts-heading" ref={rail}>
          <h2 id="alerts-heading" className="rail-head">
            <span>Alerts</span>
            {waiting.length > 0 && (
              <span className="rail-count">{countOf(waiting.length, 'waiting', 'waiting')}</span>
            )}
            {/* folded all together, the count would only repeat how many there are */}
            {folded > 0 && !foldAll && (
              <span className="rail-folded">{countOf(folded, 'folded', 'folded')}</span>
            )}
            <kbd className="rail-key" title="Alt+1 reaches the newest alert">
              Alt+1
            </kbd>
          </h2>
          <ol className="alert-list" ref={setList}>
            {alerts.map((a, index) => {
              const collapsed = isFolded(a)
              const expand = () => setOpened((o) => new Set(o).add(a.key))
              return (
                <li key={a.key}>
                  {a.kind === 'hand' ? (
                    <HandAlertCard
                      alert={a}
                      collapsed={collapsed}
                      onExpand={expand}
                      onDone={() => done(index)}
                    />
                  ) : a.kind === 'sla' ? (
                    <SlaWarningCard
                      alert={a}
                      collapsed={collapsed}
                      onExpand={expand}
                      onDone={() => done(index)}
                    />
                  ) : (
                    <TicketAlertCard
                      alert={a}
                      collapsed={collapsed}
                      onExpand={expand}
                      onDone={() => done(index)}
                    />
                  )}
                </li>
              )
            })}
          </ol>
          {!phone && (
            <MoreBelowButton scroller={list} below={below} noun={['more alert', 'more alerts']} />
          )}
        </section>
      )}
    </>
  )
}
