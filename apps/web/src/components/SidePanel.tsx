import { type KeyboardEvent, useRef } from 'react'
import { ChatUnreadBadge } from '../chat/ChatUnreadBadge.js'
import { setSidePanelTab } from '../chat/chat-actions.js'
import { LazyChatPanel } from '../chat/LazyChatPanel.js'
import { HandsPanel } from '../hands/HandsPanel.js'
import { InboxPanel } from '../inbox/InboxPanel.js'
import type { SidePanelTab } from '../store/chat-slice.js'
import { useFlare } from '../store/index.js'
import { MemberList } from './MemberList.js'

const TABS = [
  { id: 'hands', label: 'Hands', Panel: HandsPanel },
  { id: 'people', label: 'People', Panel: MemberList },
  { id: 'chat', label: 'Chat', Panel: LazyChatPanel },
  { id: 'inbox', label: 'Inbox', Panel: InboxPanel },
] as const satisfies ReadonlyArray<{ id: SidePanelTab; label: string; Panel: () => unknown }>
type TabId = SidePanelTab

function Badge({ count, label }: { count: number; label: string }) {
  if (count === 0) return null
  return (
    <span className="badge tab-badge">
      {count > 99 ? '99+' : count} <span className="sr-only">{label}</span>
    </span>
  )
}

/**
 * The panel beside the main pane: raised hands, people, chat and (while the map has the main
 * pane) the inbox, as keyboard-operable tabs. The tab lives in the store, so other features
 * can bring one forward (an alert's "Chat" opens the chat here).
 */
export function SidePanel({ tab, onTab }: { tab?: TabId; onTab?: (tab: TabId) => void }) {
  const stored = useFlare((s) => s.sidePanelTab)
  const inboxInMain = useFlare((s) => s.mainView === 'inbox')
  const hands = useFlare((s) => s.snapshot?.escalations.length ?? 0)
  const tabs = TABS.filter((t) => !(inboxInMain && t.id === 'inbox'))
  const wanted = tab ?? stored
  const active = tabs.find((t) => t.id === wanted) ?? tabs[0] ?? TABS[0]
  const select = onTab ?? setSidePanelTab
  const refs = useRef<Record<string, HTMLButtonElement | null>>({})

  function onKeyDown(event: KeyboardEvent) {
    const index = tabs.findIndex((t) => t.id === active.id)
    const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    if (!delta) return
    event.preventDefault()
    const next = tabs[(index + delta + tabs.length) % tabs.length]
    if (!next) return
    select(next.id)
    refs.current[next.id]?.focus()
  }

  return (
    <aside className="side" aria-label="Side panel">
      <div className="tabs" role="tablist" aria-label="Side panel" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === active.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === active.id ? 0 : -1}
            className={t.id === active.id ? 'tab active' : 'tab'}
            onClick={() => select(t.id)}
          >
            {t.label}
            {t.id === 'chat' && <ChatUnreadBadge className="badge tab-badge" />}
            {t.id === 'hands' && <Badge count={hands} label="raised" />}
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
