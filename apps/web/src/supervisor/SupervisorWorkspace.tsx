import type { SpaceDto } from '@flare/protocol/client'
import { type KeyboardEvent, useEffect, useRef, useState } from 'react'
import { loadInbox } from '../inbox/inbox-actions.js'
import { useFlare } from '../store/index.js'
import { AuditPanel } from './AuditPanel.js'
import { MetricsPanel } from './MetricsPanel.js'
import { PerspectivePanel } from './PerspectivePanel.js'
import { WallboardsPanel } from './WallboardsPanel.js'
import './supervisor.css'

const TABS = [
  { id: 'metrics', label: 'Metrics' },
  { id: 'perspective', label: 'Escalated tickets' },
  { id: 'audit', label: 'Audit log' },
  { id: 'wallboards', label: 'Wallboards' },
] as const
type TabId = (typeof TABS)[number]['id']

/**
 * The supervisor's view in the main pane (SPEC §8): metrics with charts, the live perspective
 * of escalated tickets, the audit log and wallboard links, as keyboard-operable tabs. Admins
 * and managers only; loaded on demand.
 */
export function SupervisorWorkspace({ space }: { space: SpaceDto }) {
  const [tab, setTab] = useState<TabId>('metrics')
  const inboxStatus = useFlare((s) => s.inboxes.status)
  const buttons = useRef<Array<HTMLButtonElement | null>>([])

  useEffect(() => {
    if (inboxStatus === 'idle') void loadInbox()
  }, [inboxStatus])

  function onKey(event: KeyboardEvent<HTMLDivElement>) {
    const at = TABS.findIndex((t) => t.id === tab)
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    const to =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? TABS.length - 1
          : (at + step + TABS.length) % TABS.length
    if (step === 0 && event.key !== 'Home' && event.key !== 'End') return
    event.preventDefault()
    const next = TABS[to]
    if (!next) return
    setTab(next.id)
    buttons.current[to]?.focus()
  }

  return (
    <section className="supervisor" aria-labelledby="supervisor-title">
      <header className="supervisor-head">
        <h2 id="supervisor-title">Supervisor</h2>
        <div role="tablist" aria-label="Supervisor's view" className="tabs" onKeyDown={onKey}>
          {TABS.map((t, i) => (
            <button
              key={t.id}
              ref={(el) => {
                buttons.current[i] = el
              }}
              type="button"
              role="tab"
              id={`supervisor-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`supervisor-panel-${t.id}`}
              tabIndex={tab === t.id ? 0 : -1}
              className={tab === t.id ? 'tab active' : 'tab'}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
      </header>
      <div
        role="tabpanel"
        id={`supervisor-panel-${tab}`}
        aria-labelledby={`supervisor-tab-${tab}`}
        className="supervisor-body"
      >
        {tab === 'metrics' ? (
          <MetricsPanel space={space} />
        ) : tab === 'perspective' ? (
          <PerspectivePanel />
        ) : tab === 'audit' ? (
          <AuditPanel />
        ) : (
          <WallboardsPanel />
        )}
      </div>
    </section>
  )
}
