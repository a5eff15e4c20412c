import type { UserDto } from '@flare/protocol'
import { useEffect } from 'react'
import { logOut, openSpace } from '../actions.js'
import { followLink } from '../automation/navigation.js'
import { TicketAlertStack } from '../automation/TicketAlertStack.js'
import { EscalationDialog } from '../escalations/EscalationDialog.js'
import { NotificationStack } from '../escalations/NotificationStack.js'
import { openLinkedTicket, ticketLinkedIn } from '../notifications/linked-ticket.js'
import { useFlare } from '../store/index.js'
import { FloorMap } from './FloorMap.js'
import { SidePanel } from './SidePanel.js'
import { StatusPicker } from './StatusPicker.js'

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Disconnected',
} as const

export function SpacePage({ spaceId, user }: { spaceId: string; user: UserDto }) {
  const space = useFlare((s) => s.space)
  const connection = useFlare((s) => s.connection)
  const announcement = useFlare((s) => s.announcement)

  useEffect(() => {
    const linked = ticketLinkedIn(window.location.search)
    void openSpace(spaceId).then(() => linked && openLinkedTicket(linked))
    if (window.location.pathname !== `/spaces/${spaceId}` || linked) {
      window.history.replaceState(null, '', `/spaces/${spaceId}`)
    }
  }, [spaceId])

  const role = space.status === 'ready' ? space.value.role : null
  return (
    <div className="space-page">
      <header className="topbar">
        <h1>{space.status === 'ready' ? space.value.space.name : 'Flare'}</h1>
        <span className={`connection connection-${connection.state}`} role="status">
          {CONNECTION_TEXT[connection.state]}
        </span>
        <StatusPicker />
        <a className="settings-link" href={`/spaces/${spaceId}/settings`} onClick={followLink}>
          Settings
        </a>
        <span className="who" data-testid="who-am-i">
          {user.displayName}
          {role && <span className="role">{role}</span>}
        </span>
        <button type="button" className="secondary" onClick={() => void logOut()}>
          Log out
        </button>
      </header>
      <div className="sr-only" aria-live="polite" key={announcement.seq}>
        {announcement.text}
      </div>
      {connection.state === 'refused' && connection.message && (
        <p role="alert" className="error banner">
          {connection.message}
        </p>
      )}
      {space.status === 'error' ? (
        <p role="alert" className="error banner">
          {space.message}
        </p>
      ) : space.status !== 'ready' ? (
        <p className="muted centered" aria-busy="true">
          Loading the space…
        </p>
      ) : (
        <div className="space-body">
          <FloorMap space={space.value.space} />
          <SidePanel />
          <EscalationDialog />
          <div className="alert-column">
            <NotificationStack />
            <TicketAlertStack />
          </div>
        </div>
      )}
    </div>
  )
}
