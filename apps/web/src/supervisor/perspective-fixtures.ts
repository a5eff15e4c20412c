import type { PerspectiveItem } from '@flare/protocol/client'

/** An escalated ticket's row as the server sends it, for tests: `change` overrides fields. */
export function perspectiveRow(
  ticketId: string,
  escalatedAt: string,
  change: Partial<PerspectiveItem> = {},
): PerspectiveItem {
  return {
    firingId: `f-${ticketId}-${escalatedAt}`,
    ticket: {
      id: ticketId,
      inboxId: 'inbox-1',
      subject: `Ticket ${ticketId}`,
      customerName: null,
      priority: 'medium',
      status: 'open',
      assignedToUserId: null,
      escalationLevel: 1,
      escalationCount: 1,
    },
    ruleId: 'rule-1',
    ruleName: 'Waiting 30',
    level: 1,
    reason: 'waiting',
    escalatedAt,
    notifiedUserIds: [],
    notifiedAddress: null,
    acknowledgedBy: null,
    acknowledgedAt: null,
    ...change,
  }
}
