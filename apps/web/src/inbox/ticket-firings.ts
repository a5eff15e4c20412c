import type { EscalationHistoryEntryDto, TicketDto } from '@flare/protocol/client'
import { inForce } from '../automation/OnItBadge.js'

/** A firing of a ticket that "I'm on it" can take: its history entry names all of it. */
export type TakeableFiring = EscalationHistoryEntryDto & {
  firingId: string
  chain: string
  targetUserIds: string[]
}

function takeable(entry: EscalationHistoryEntryDto): entry is TakeableFiring {
  return entry.firingId !== undefined && entry.chain !== undefined && !!entry.targetUserIds
}

/**
 * The escalations of `ticket` that `you` can still take (SPEC §11.2), read from the ticket's
 * own history (each entry names its firing, chain and targets), so it is the same after a
 * reload and on every device: sent to you, in the ticket's current open life, while it is open
 * or on hold and still escalated, of a chain nobody is on at `now`; the latest of each chain,
 * as taking any level takes the chain.
 */
export function firingsToTake(
  ticket: TicketDto,
  you: string | null,
  now: number,
): TakeableFiring[] {
  if (!you || ticket.escalationLevel === 0) return []
  if (ticket.status !== 'open' && ticket.status !== 'on_hold') return []
  const openSince = Date.parse(ticket.openSince)
  const taken = new Set(inForce(ticket, now).map((a) => a.chain))
  const latest = new Map<string, TakeableFiring>()
  for (const entry of ticket.escalationHistory) {
    if (!takeable(entry) || !entry.targetUserIds.includes(you) || taken.has(entry.chain)) continue
    if (Date.parse(entry.escalatedAt) < openSince) continue
    const held = latest.get(entry.chain)
    if (!held || Date.parse(entry.escalatedAt) >= Date.parse(held.escalatedAt)) {
      latest.set(entry.chain, entry)
    }
  }
  return [...latest.values()]
}
