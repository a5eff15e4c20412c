import { useEffect, useState } from 'react'
import { notificationsApi } from './notifications-api.js'

/**
 * The subjects of the tickets the delivery log is about, by ticket id: the newest escalated
 * tickets in one request, and `focused` (the ticket the log is filtered to) on its own. A
 * ticket not among them is still linked, as "Ticket".
 */
export function useTicketSubjects(
  spaceId: string,
  focused: string | undefined,
): ReadonlyMap<string, string> {
  const [subjects, setSubjects] = useState<ReadonlyMap<string, string>>(() => new Map())

  useEffect(() => {
    let live = true
    function learn(tickets: ReadonlyArray<{ id: string; subject: string }>) {
      if (!live) return
      setSubjects((current) => {
        const next = new Map(current)
        for (const ticket of tickets) next.set(ticket.id, ticket.subject)
        return next
      })
    }
    void (async () => {
      try {
        if (focused) learn([(await notificationsApi.ticket(spaceId, focused)).ticket])
        else learn((await notificationsApi.escalatedTickets(spaceId)).tickets)
      } catch {
        // a help, not the log: without a subject the row still links to its ticket
      }
    })()
    return () => {
      live = false
    }
  }, [spaceId, focused])

  return subjects
}
