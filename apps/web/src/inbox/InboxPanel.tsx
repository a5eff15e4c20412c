import { useEffect } from 'react'
import { useFlare } from '../store/index.js'
import { loadInbox } from './inbox-actions.js'
import { LazyTicketView, preloadTicketView } from './LazyTicketView.js'
import { TicketList } from './TicketList.js'
import './inbox.css'

/** The inbox side panel: tickets and the ticket view. Owned by the inbox feature. */
export function InboxPanel() {
  const selected = useFlare((s) => s.selectedTicketId)
  const listStatus = useFlare((s) => s.ticketList.status)

  useEffect(() => {
    if (listStatus === 'idle') void loadInbox()
  }, [listStatus])
  // the list is on show: the ticket view's code is fetched before the first ticket is opened
  useEffect(preloadTicketView, [])

  return selected ? <LazyTicketView ticketId={selected} /> : <TicketList />
}
