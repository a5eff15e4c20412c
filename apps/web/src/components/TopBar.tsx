import type { UserDto } from '@flare/protocol/client'
import { lazy, Suspense, useState } from 'react'
import { logOut } from '../actions.js'
import { followLink } from '../automation/navigation.js'
import { Face } from '../layout/Face.js'
import { ChartIcon, InboxIcon, MapIcon } from '../layout/icons.js'
import { showMain } from '../layout/layout-actions.js'
import { ThemePicker } from '../layout/ThemePicker.js'
import { countOf } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { BrandMark } from './BrandMark.js'
import { StatusPicker } from './StatusPicker.js'

// the picture editor (canvas, upload) loads on first use, not with every page
const ProfileDialog = lazy(() =>
  import('../layout/ProfileDialog.js').then((m) => ({ default: m.ProfileDialog })),
)

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Disconnected',
} as const

/** Customers waiting on staff now, across the space's open tickets as loaded. */
export function useWaitingCustomers(): number {
  return useFlare(
    (s) =>
      Object.values(s.tickets).filter((t) => t.status === 'open' && t.waitingSince !== null).length,
  )
}

/**
 * The bar that never moves: the brand, the space, where you are (Space, Inbox with the waiting
 * count, or Supervisor for admins and managers), the connection, your status, the theme and you.
 */
export function TopBar({
  spaceId,
  user,
  compact,
}: {
  spaceId: string
  user: UserDto
  compact: boolean
}) {
  const space = useFlare((s) => s.space)
  const connection = useFlare((s) => s.connection)
  const mainView = useFlare((s) => s.mainView)
  const waiting = useWaitingCustomers()
  const [profileOpen, setProfileOpen] = useState(false)
  const role = space.status === 'ready' ? space.value.role : null
  return (
    <header className="topbar">
      <div className="brand">
        <BrandMark />
        <h1>{space.status === 'ready' ? space.value.space.name : 'Flare'}</h1>
      </div>
      {!compact && (
        <nav className="main-nav" aria-label="Workspace">
          <button
            type="button"
            className={mainView === 'space' ? 'nav-item active' : 'nav-item'}
            aria-current={mainView === 'space' ? 'page' : undefined}
            onClick={() => showMain('space')}
          >
            <MapIcon />
            Space
          </button>
          <button
            type="button"
            className={mainView === 'inbox' ? 'nav-item active' : 'nav-item'}
            aria-current={mainView === 'inbox' ? 'page' : undefined}
            onClick={() => showMain('inbox')}
          >
            <InboxIcon />
            Inbox
            {waiting > 0 && (
              <span className="nav-count">{countOf(waiting, 'waiting', 'waiting')}</span>
            )}
          </button>
          {(role === 'admin' || role === 'manager') && (
            <button
              type="button"
              className={mainView === 'supervisor' ? 'nav-item active' : 'nav-item'}
              aria-current={mainView === 'supervisor' ? 'page' : undefined}
              onClick={() => showMain('supervisor')}
            >
              <ChartIcon />
              Supervisor
            </button>
          )}
          <a className="nav-item" href={`/spaces/${spaceId}/settings`} onClick={followLink}>
            Settings
          </a>
        </nav>
      )}
      <span className={`connection connection-${connection.state}`} role="status">
        {CONNECTION_TEXT[connection.state]}
      </span>
      {!compact && (
        <>
          <StatusPicker />
          <ThemePicker />
          <button
            type="button"
            className="who"
            data-testid="who-am-i"
            title={user.displayName}
            aria-label={`${user.displayName}${role ? `, ${role}` : ''}: your profile`}
            onClick={() => setProfileOpen(true)}
          >
            <Face userId={user.id} name={user.displayName} className="who-face" />
            <span className="who-name">{user.displayName}</span>
            {role && <span className="role">{role}</span>}
          </button>
          {profileOpen && (
            <Suspense fallback={null}>
              <ProfileDialog user={user} onClose={() => setProfileOpen(false)} />
            </Suspense>
          )}
          <button type="button" className="secondary small" onClick={() => void logOut()}>
            Log out
          </button>
        </>
      )}
    </header>
  )
}
