import type { CSSProperties } from 'react'
import { ChatUnreadBadge } from '../chat/ChatUnreadBadge.js'
import { useWaitingCustomers } from '../components/TopBar.js'
import { useFlare } from '../store/index.js'
import type { PhoneTab } from '../store/layout-slice.js'
import { ChartIcon, ChatIcon, InboxIcon, MapIcon, PersonIcon } from './icons.js'
import { setPhoneTab } from './layout-actions.js'

const ITEMS = [
  { id: 'space', label: 'Space', Icon: MapIcon },
  { id: 'inbox', label: 'Inbox', Icon: InboxIcon },
  { id: 'chat', label: 'Chat', Icon: ChatIcon },
  { id: 'supervisor', label: 'Supervisor', Icon: ChartIcon },
  { id: 'me', label: 'Me', Icon: PersonIcon },
] as const satisfies ReadonlyArray<{ id: PhoneTab; label: string; Icon: () => unknown }>

/**
 * The phone's bottom navigation: always in reach of a thumb, never covered by alerts. The
 * Inbox carries how many customers wait, Chat how many messages are unread; Supervisor is
 * there for admins and managers only.
 */
export function PhoneNav() {
  const tab = useFlare((s) => s.phoneTab)
  const waiting = useWaitingCustomers()
  const role = useFlare((s) => (s.space.status === 'ready' ? s.space.value.role : null))
  const items = ITEMS.filter(
    ({ id }) => id !== 'supervisor' || role === 'admin' || role === 'manager',
  )
  return (
    <nav
      className="bottom-nav"
      aria-label="Sections"
      style={{ '--items': items.length } as CSSProperties}
    >
      {items.map(({ id, label, Icon }) => (
        <button
          key={id}
          type="button"
          className={tab === id ? 'bottom-nav-item active' : 'bottom-nav-item'}
          aria-current={tab === id ? 'page' : undefined}
          onClick={() => setPhoneTab(id)}
        >
          <Icon />
          <span>{label}</span>
          {id === 'chat' && <ChatUnreadBadge />}
          {id === 'inbox' && waiting > 0 && (
            <span className="badge badge-waiting">
              {new Intl.NumberFormat().format(waiting)} <span className="sr-only">waiting</span>
            </span>
          )}
        </button>
      ))}
    </nav>
  )
}
