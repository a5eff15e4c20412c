import { useEffect } from 'react'
import { useFlare } from '../store/index.js'
import { loadInbox } from './inbox-actions.js'
import { TicketList } from './TicketList.js'
import { TicketView } from './TicketView.js'
import './inbox.css'

/** The inbox side panel: tickets and the ticket view. Owned by the inbox feature. */
export function InboxPanel() {
  const selected = useFlare((s) => s.selectedTicketId)
  const listStatus = useFlare((s) => s.ticketList.status)

  useEffect(() => {
    if (listStatus === 'idle') void loadInbox()
  }, [listStatus])

  return selected ? <TicketView ticketId={selected} /> : <TicketList />
}
