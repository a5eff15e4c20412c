import type { SpaceDto } from '@flare/protocol/client'
import { useEffect } from 'react'
import { useEscalatedTicketCount } from '../automation/TicketFlares.js'
import { FloorMap } from '../components/FloorMap.js'
import { showMain } from '../layout/layout-actions.js'
import { countOf } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { loadInbox } from './inbox-actions.js'
import { LazyTicketView, preloadTicketView } from './LazyTicketView.js'
import { TicketList } from './TicketList.js'
import './inbox.css'

/**
 * The inbox in the main pane: the ticket list beside a wide conversation, and the map as a
 * live mini-map below the list, where raised hands still flare. The mini-map takes you back.
 */
export function InboxWorkspace({ space }: { space: SpaceDto }) {
  const selected = useFlare((s) => s.selectedTicketId)
  const listStatus = useFlare((s) => s.ticketList.status)
  const hands = useFlare((s) => s.snapshot?.escalations.length ?? 0)
  const tickets = useEscalatedTicketCount()
  const flaring = [
    countOf(hands, 'hand up', 'hands up'),
    ...(tickets > 0 ? [countOf(tickets, 'ticket escalated', 'tickets escalated')] : []),
  ].join(' · ')

  useEffect(() => {
    if (listStatus === 'idle') void loadInbox()
  }, [listStatus])
  // the list is on show: the ticket view's code is fetched before the first ticket is opened
  useEffect(preloadTicketView, [])

  return (
    <div className="inbox-main" data-ticket={selected ? 'open' : 'none'}>
      <div className="inbox-list-column">
        <TicketList />
        <button
          type="button"
          className="mini-map"
          aria-label={`Back to the map: ${flaring}`}
          onClick={() => showMain('space')}
        >
          <FloorMap space={space} mini />
          <span className="mini-map-caption" aria-hidden="true">
            Map · {flaring}
          </span>
        </button>
      </div>
      <div className="inbox-ticket-column">
        {selected ? (
          <LazyTicketView key={selected} ticketId={selected} />
        ) : (
          <p className="muted empty">Choose a ticket to read the conversation and reply.</p>
        )}
      </div>
    </div>
  )
}
