import type { SpaceDto } from '@flare/protocol/client'
import { useEffect } from 'react'
import { FloorMap } from '../components/FloorMap.js'
import { showMain } from '../layout/layout-actions.js'
import { countOf } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { loadInbox } from './inbox-actions.js'
import { TicketList } from './TicketList.js'
import { TicketView } from './TicketView.js'
import './inbox.css'

/**
 * The inbox in the main pane: the ticket list beside a wide conversation, and the map as a
 * live mini-map below the list, where raised hands still flare. The mini-map takes you back.
 */
export function InboxWorkspace({ space }: { space: SpaceDto }) {
  const selected = useFlare((s) => s.selectedTicketId)
  const listStatus = useFlare((s) => s.ticketList.status)
  const hands = useFlare((s) => s.snapshot?.escalations.length ?? 0)

  useEffect(() => {
    if (listStatus === 'idle') void loadInbox()
  }, [listStatus])

  return (
    <div className="inbox-main">
      <div className="inbox-list-column">
        <TicketList />
        <button
          type="button"
          className="mini-map"
          aria-label={`Back to the map: ${countOf(hands, 'hand', 'hands')} up`}
          onClick={() => showMain('space')}
        >
          <FloorMap space={space} mini />
          <span className="mini-map-caption" aria-hidden="true">
            Map · {countOf(hands, 'hand up', 'hands up')}
          </span>
        </button>
      </div>
      <div className="inbox-ticket-column">
        {selected ? (
          <TicketView key={selected} ticketId={selected} />
        ) : (
          <p className="muted empty">Choose a ticket to read the conversation and reply.</p>
        )}
      </div>
    </div>
  )
}
