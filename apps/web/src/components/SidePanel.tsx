import { type KeyboardEvent, useRef, useState } from 'react'
import { ChatPanel } from '../chat/ChatPanel.js'
import { InboxPanel } from '../inbox/InboxPanel.js'
import { MemberList } from './MemberList.js'

const TABS = [
  { id: 'people', label: 'People', Panel: MemberList },
  { id: 'chat', label: 'Chat', Panel: ChatPanel },
  { id: 'inbox', label: 'Inbox', Panel: InboxPanel },
] as const
type TabId = (typeof TABS)[number]['id']

/** The panel beside the map: people, chat and the inbox, as keyboard-operable tabs. */
export function SidePanel({ tab, onTab }: { tab?: TabId; onTab?: (tab: TabId) => void }) {
  const [own, setOwn] = useState<TabId>('people')
  const current = tab ?? own
  const select = onTab ?? setOwn
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
