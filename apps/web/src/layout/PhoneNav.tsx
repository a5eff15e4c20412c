import { useFlare } from '../store/index.js'
import type { PhoneTab } from '../store/layout-slice.js'
import { ChatIcon, InboxIcon, MapIcon, PersonIcon } from './icons.js'
import { setPhoneTab } from './layout-actions.js'

const ITEMS = [
  { id: 'space', label: 'Space', Icon: MapIcon },
  { id: 'inbox', label: 'Inbox', Icon: InboxIcon },
  { id: 'chat', label: 'Chat', Icon: ChatIcon },
  { id: 'me', label: 'Me', Icon: PersonIcon },
] as const satisfies ReadonlyArray<{ id: PhoneTab; label: string; Icon: () => unknown }>

/** The phone's bottom navigation: always in reach of a thumb, never covered by alerts. */
export function PhoneNav() {
  const tab = useFlare((s) => s.phoneTab)
  const unread = useFlare((s) => Object.values(s.chatThreads).reduce((sum, t) => sum + t.unread, 0))
  return (
    <nav className="bottom-nav" aria-label="Sections">
      {ITEMS.map(({ id, label, Icon }) => (
        <button
          key={id}
          type="button"
          className={tab === id ? 'bottom-nav-item active' : 'bottom-nav-item'}
          aria-current={tab === id ? 'page' : undefined}
          onClick={() => setPhoneTab(id)}
        >
          <Icon />
          <span>{label}</span>
          {id === 'chat' && unread > 0 && (
            <span className="badge">
              {unread} <span className="sr-only">unread</span>
            </span>
          )}
        </button>
      ))}
    </nav>
  )
}
