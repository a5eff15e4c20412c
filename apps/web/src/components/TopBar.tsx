import type { UserDto } from '@flare/protocol/client'
import { followLink } from '../automation/navigation.js'
import { AccountMenu } from '../layout/AccountMenu.js'
import { ChartIcon, InboxIcon, MapIcon } from '../layout/icons.js'
import { showMain } from '../layout/layout-actions.js'
import { NARROW_BAR_QUERY, useMediaQuery } from '../layout/useMediaQuery.js'
import { useFlare } from '../store/index.js'
import { BrandMark } from './BrandMark.js'
import { StatusPicker } from './StatusPicker.js'

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Disconnected',
} as const

/**
 * Customers waiting on staff now in the whole space, as the server counts them (SPEC §4.2
 * `counts`, kept current by the inbox); only until the first list page brings that count,
 * the open tickets this page has heard of.
 */
export function useWaitingCustomers(): number {
  return useFlare(
    (s) =>
      s.ticketCounts?.waiting ??
      Object.values(s.tickets).filter((t) => t.status === 'open' && t.waitingSince !== null).length,
  )
}

/**
 * The bar that never moves: the brand, the space, where you are (Space, Inbox with the waiting
 * count, or Supervisor for admins and managers), the connection, your status and you (the
 * account menu: profile, theme, log out). Below 1000 px your status moves into that menu, so
 * the bar fits from a 360 px phone up (SPEC §10.5).
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
  const narrow = useMediaQuery(NARROW_BAR_QUERY)
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
              // a narrow bar shows the number; the word stays for screen readers
              <span className="nav-count">
                {new Intl.NumberFormat().format(waiting)}
                <span className="nav-count-word"> waiting</span>
              </span>
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
      <span
        className={`connection connection-${connection.state}`}
        role="status"
        // a narrow bar shows "Live" as its dot alone: the word on hover
        title={CONNECTION_TEXT[connection.state]}
      >
        {CONNECTION_TEXT[connection.state]}
      </span>
      {!compact && !narrow && <StatusPicker />}
      <AccountMenu user={user} statusInMenu={compact || narrow} />
    </header>
  )
}
