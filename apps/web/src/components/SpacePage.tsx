import type { SpaceDto, UserDto } from '@flare/protocol/client'
import { type CSSProperties, lazy, Suspense, useEffect, useRef, useState } from 'react'
import { openSpace } from '../actions.js'
import { LazyChatPanel, useChatPreload } from '../chat/LazyChatPanel.js'
import { AlertRail } from '../hands/AlertRail.js'
import { HandsPanel } from '../hands/HandsPanel.js'
import { HandToolbar } from '../hands/HandToolbar.js'
import { LazyRaiseHandDialog } from '../hands/LazyRaiseHandDialog.js'
import { InboxPanel } from '../inbox/InboxPanel.js'
import { InboxWorkspace } from '../inbox/InboxWorkspace.js'
import { loadInbox } from '../inbox/inbox-actions.js'
import { ConnectionLost } from '../layout/ConnectionLost.js'
import { loadLayoutPreferences, setPhoneTab, showMain } from '../layout/layout-actions.js'
import { MePanel } from '../layout/MePanel.js'
import { MoreBelowButton } from '../layout/MoreBelowButton.js'
import { PanelResizer } from '../layout/PanelResizer.js'
import { PhoneNav } from '../layout/PhoneNav.js'
import { useAlertBadge } from '../layout/useAlertBadge.js'
import { PHONE_QUERY, useMediaQuery } from '../layout/useMediaQuery.js'
import { useMoreBelow } from '../layout/useMoreBelow.js'
import { openLinkedTicket, ticketLinkedIn } from '../notifications/linked-ticket.js'
import { useFlare } from '../store/index.js'
import { FloorMap, useFloorRatio } from './FloorMap.js'
import { SidePanel } from './SidePanel.js'
import { TopBar } from './TopBar.js'

// the supervisor's view carries the metrics, the charts and the audit log: loaded when opened
const SupervisorWorkspace = lazy(() =>
  import('../supervisor/SupervisorWorkspace.js').then((m) => ({ default: m.SupervisorWorkspace })),
)

/** The supervisor's view, loaded when first opened, with word while it loads. */
function SupervisorView({ space }: { space: SpaceDto }) {
  return (
    <Suspense
      fallback={
        <p className="muted centered" aria-busy="true">
          Loading the supervisor's view…
        </p>
      }
    >
      <SupervisorWorkspace space={space} />
    </Suspense>
  )
}

/** The phone's readable zoom: names legible, the map scrolled to your own avatar. */
const PHONE_ZOOM = 0.5

function DesktopWorkspace({ space }: { space: SpaceDto }) {
  const stored = useFlare((s) => s.mainView)
  const role = useFlare((s) => (s.space.status === 'ready' ? s.space.value.role : null))
  // the supervisor's view is for admins and managers; anyone else sees the map
  const mainView = stored === 'supervisor' && role === 'agent' ? 'space' : stored
  const panelWidth = useFlare((s) => s.panelWidth)
  // an upright tablet stacks the panel under the map and sizes the map by the floor's shape
  const floorRatio = useFloorRatio(space)
  return (
    <main
      className="workspace"
      data-main={mainView}
      style={{ '--panel-width': `${panelWidth}px`, '--floor-ratio': floorRatio } as CSSProperties}
    >
      <div className="main-pane">
        {mainView === 'inbox' ? (
          <InboxWorkspace space={space} />
        ) : mainView === 'supervisor' ? (
          <SupervisorView space={space} />
        ) : (
          <FloorMap space={space} />
        )}
        <HandToolbar />
      </div>
      <PanelResizer />
      <div className="right-column">
        <AlertRail />
        <SidePanel />
      </div>
    </main>
  )
}

function PhoneWorkspace({ space, user }: { space: SpaceDto; user: UserDto }) {
  const stored = useFlare((s) => s.phoneTab)
  const role = useFlare((s) => (s.space.status === 'ready' ? s.space.value.role : null))
  // the supervisor's view is for admins and managers; anyone else (a role taken away) the map
  const tab = stored === 'supervisor' && role === 'agent' ? 'space' : stored
  const [top, setTop] = useState<HTMLDivElement | null>(null)
  const below = useMoreBelow(top, '.alert-card, .hand-item')
  return (
    <main className="phone" data-tab={tab}>
      <div className="phone-top">
        <div className="phone-top-scroll" ref={setTop}>
          {/* beside the map a card shows whole; over a ticket or a chat, its one line */}
          <AlertRail folded={tab !== 'space'} />
          {tab === 'space' && <HandsPanel />}
        </div>
        {/* its own row under the strip: it never covers a card's buttons */}
        <MoreBelowButton scroller={top} below={below} noun={['more', 'more']} />
      </div>
      <div className="phone-main">
        {tab === 'space' ? (
          <>
            <FloorMap space={space} initialZoom={PHONE_ZOOM} />
            <HandToolbar />
          </>
        ) : tab === 'inbox' ? (
          <InboxPanel />
        ) : tab === 'chat' ? (
          <LazyChatPanel />
        ) : tab === 'supervisor' ? (
          <SupervisorView space={space} />
        ) : (
          <MePanel spaceId={space.id} user={user} />
        )}
      </div>
    </main>
  )
}

/**
 * The workspace people keep open all shift. Places never move: the top bar; the main pane
 * (the map, or the inbox with the map as a mini-map) with its toolbar; the alert rail and the
 * resizable side panel in their own column. Alerts come and go in the rail without moving or
 * covering anything else. On an upright tablet (`styles.css`) the map is on top, as tall as the
 * floor's shape needs, and the rail and panel are stacked under it. On a phone: alerts and
 * hands first, bottom navigation.
 */
export function SpacePage({ spaceId, user }: { spaceId: string; user: UserDto }) {
  const space = useFlare((s) => s.space)
  const announcement = useFlare((s) => s.announcement)
  const selectedTicket = useFlare((s) => s.selectedTicketId)
  const sideTab = useFlare((s) => s.sidePanelTab)
  const ticketList = useFlare((s) => s.ticketList.status)
  const phone = useMediaQuery(PHONE_QUERY)
  // the chat's code is not in the first load: fetched once the page is idle
  useChatPreload()
  const ready = space.status === 'ready' ? space.value : null
  useAlertBadge(ready?.space.name ?? null)

  useEffect(() => {
    loadLayoutPreferences()
  }, [])

  useEffect(() => {
    const linked = ticketLinkedIn(window.location.search)
    void openSpace(spaceId).then(() => linked && openLinkedTicket(linked))
    if (window.location.pathname !== `/spaces/${spaceId}` || linked) {
      window.history.replaceState(null, '', `/spaces/${spaceId}`)
    }
  }, [spaceId])

  // the inbox's waiting count shows in the top bar from the start
  useEffect(() => {
    if (ready && ticketList === 'idle') void loadInbox()
  }, [ready, ticketList])

  // a ticket opened from anywhere (the list, an alert) takes the main pane, or the phone's Inbox
  const lastTicket = useRef<string | null>(null)
  useEffect(() => {
    if (selectedTicket && selectedTicket !== lastTicket.current) {
      if (phone) setPhoneTab('inbox')
      else showMain('inbox')
    }
    lastTicket.current = selectedTicket
  }, [selectedTicket, phone])

  // on a phone, a chat opened from an alert or a pop-up brings the Chat section forward
  const lastSideTab = useRef(sideTab)
  useEffect(() => {
    if (phone && sideTab !== lastSideTab.current && sideTab === 'chat') setPhoneTab('chat')
    lastSideTab.current = sideTab
  }, [sideTab, phone])

  return (
    <div className={phone ? 'app app-phone' : 'app'}>
      <TopBar spaceId={spaceId} user={user} compact={phone} />
      <div className="sr-only" aria-live="polite" key={announcement.seq}>
        {announcement.text}
      </div>
      <ConnectionLost />
      {space.status === 'error' ? (
        <main className="centered">
          <p role="alert" className="error banner">
            {space.message}
          </p>
        </main>
      ) : !ready ? (
        <main className="centered" aria-busy="true">
          <p className="muted">Loading the space…</p>
        </main>
      ) : phone ? (
        <PhoneWorkspace space={ready.space} user={user} />
      ) : (
        <DesktopWorkspace space={ready.space} />
      )}
      {phone && ready && <PhoneNav />}
      <LazyRaiseHandDialog />
    </div>
  )
}
