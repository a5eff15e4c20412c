import { type KeyboardEvent, useRef } from 'react'
import { ChatPanel } from '../chat/ChatPanel.js'
import { setSidePanelTab } from '../chat/chat-actions.js'
import { InboxPanel } from '../inbox/InboxPanel.js'
import type { SidePanelTab } from '../store/chat-slice.js'
import { useFlare } from '../store/index.js'
import { MemberList } from './MemberList.js'

const TABS = [
  { id: 'people', label: 'People', Panel: MemberList },
  { id: 'chat', label: 'Chat', Panel: ChatPanel },
  { id: 'inbox', label: 'Inbox', Panel: InboxPanel },
] as const satisfies ReadonlyArray<{ id: SidePanelTab; label: string; Panel: () => unknown }>
type TabId = SidePanelTab

/**
 * The panel beside the map: people, chat and the inbox, as keyboard-operable tabs. The tab
 * lives in the store, so other features can bring the chat forward (an escalation's "Chat").
 */
export function SidePanel({ tab, onTab }: { tab?: TabId; onTab?: (tab: TabId) => void }) {
  const stored = useFlare((s) => s.sidePanelTab)
  const unread = useFlare((s) => Object.values(s.chatThreads).reduce((sum, t) => sum + t.unread, 0))
  const current = tab ?? stored
  const select = onTab ?? setSidePanelTab
  const refs = useRef<Record<string, HTMLButtonElement | null>>({})

  function onKeyDown(event: KeyboardEvent) {
    const index = TABS.findIndex((t) => t.id === current)
    const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    if (!delta) return
    event.preventDefault()
    const next = TABS[(index + delta + TABS.length) % TABS.length]
    if (!next) return
    select(next.id)
    refs.current[next.id]?.focus()
  }

  const active = TABS.find((t) => t.id === current) ?? TABS[0]
  return (
    <aside className="side">
      <div className="tabs" role="tablist" aria-label="Side panel" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === current}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === current ? 0 : -1}
            className={t.id === current ? 'tab active' : 'tab'}
            onClick={() => select(t.id)}
          >
            {t.label}
            {t.id === 'chat' && unread > 0 && ' '}
            {t.id === 'chat' && unread > 0 && (
              <span className="badge tab-badge">
                {unread > 99 ? '99+' : unread} <span className="sr-only">unread</span>
              </span>
            )}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`panel-${active.id}`}
        aria-labelledby={`tab-${active.id}`}
        className="tab-panel"
      >
        <active.Panel />
      </div>
    </aside>
  )
}
