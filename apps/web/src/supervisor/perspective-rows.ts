import type { PerspectiveItem } from '@flare/protocol/client'
import type { PerspectiveFilter } from '../store/supervisor-slice.js'

/** Whether a row belongs in the perspective under a filter. */
export function matchesPerspective(item: PerspectiveItem, filter: PerspectiveFilter): boolean {
  if (filter.inboxId && item.ticket.inboxId !== filter.inboxId) return false
  if (filter.level && item.level !== Number(filter.level)) return false
  if (filter.ruleId && item.ruleId !== filter.ruleId) return false
  if (filter.assignee === 'none' && item.ticket.assignedToUserId !== null) return false
  if (
    filter.assignee &&
    filter.assignee !== 'none' &&
    item.ticket.assignedToUserId !== filter.assignee
  )
    return false
  return true
}

/**
 * The rows after a live update (a ticket's latest firing as it is now): the ticket's row is
 * replaced and put in its place, newest firing first. Under a rule or level filter the row
 * shows the latest firing that filter selects, so an update about another firing changes only
 * what it says of the ticket; a ticket that no longer fits the inbox or assignee leaves.
 *
 * @example
 * applyPerspectiveItem(rows, item, NO_PERSPECTIVE_FILTER) // item first, its old row gone
 */
export function applyPerspectiveItem(
  rows: readonly PerspectiveItem[],
  item: PerspectiveItem,
  filter: PerspectiveFilter,
): PerspectiveItem[] {
  const current = rows.find((r) => r.ticket.id === item.ticket.id)
  if (matchesPerspective(item, filter)) {
    const others = rows.filter((r) => r.ticket.id !== item.ticket.id)
    const at = others.findIndex(
      (r) =>
        r.escalatedAt < item.escalatedAt ||
        (r.escalatedAt === item.escalatedAt && r.firingId < item.firingId),
    )
    return at < 0 ? [...others, item] : [...others.slice(0, at), item, ...others.slice(at)]
  }
  if (!current) return [...rows]
  const ticketFits = matchesPerspective({ ...current, ticket: item.ticket }, filter)
  if (!ticketFits) return rows.filter((r) => r.ticket.id !== item.ticket.id)
  return rows.map((r) => (r.ticket.id === item.ticket.id ? { ...r, ticket: item.ticket } : r))
}
