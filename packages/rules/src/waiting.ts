/** A ticket message as the waiting clock sees it. */
export interface WaitingMessage {
  authorKind: 'customer' | 'staff' | 'system' | 'bot'
  /** Internal notes are not material: they never answer the customer. */
  internal: boolean
  createdAt: Date
}

/**
 * The start of the current waiting period (SPEC §6.2): the first customer message that
 * staff has not answered since, counting only messages from `since` on (when the ticket
 * last became open: created, reopened or back from hold). A follow-up from the customer
 * does not move it (**Deviation** from seed 002: "hello??" has waited longer, not
 * shorter); a material staff reply ends it. Null when the ticket is not waiting on staff.
 *
 * @example
 * findWaitingSince(messages, ticket.openSince) // → Date of the first unanswered customer message
 */
export function findWaitingSince(messages: readonly WaitingMessage[], since: Date): Date | null {
  const from = since.getTime()
  const ordered = [...messages].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
  let waitingSince: Date | null = null
  for (const message of ordered) {
    if (message.createdAt.getTime() < from) continue
    if (message.authorKind === 'staff' && !message.internal) waitingSince = null
    else if (message.authorKind === 'customer' && waitingSince === null) {
      waitingSince = message.createdAt
    }
  }
  return waitingSince
}
