import type { TicketEscalatedEvent, TicketSlaWarningEvent } from '@flare/protocol'
import type { Broadcaster } from '../realtime/broadcaster.js'
import type { ClientEventHandlers } from '../realtime/socket-handlers.js'
import { toMessageDto, toTicketDto } from '../tickets/ticket-repository.js'
import type { TicketEvent } from '../tickets/ticket-service.js'
import type { Acknowledgements } from './acknowledgement-service.js'
import type {
  CommittedFiring,
  CommittedSlaWarning,
  ProcessedTicket,
} from './rule-firing-scheduler.js'
import { transcriptFields } from './transcripts.js'

/** What set the firing off and the end of the conversation (SPEC §11.1.7), when there are. */
function triggerFacts(
  firing: CommittedFiring,
): Pick<TicketEscalatedEvent, 'trigger' | 'transcript' | 'transcriptTurns'> {
  const { trigger, transcript } = firing
  return { ...(trigger ? { trigger } : {}), ...transcriptFields(transcript) }
}

export function toEscalatedEvent(firing: CommittedFiring): TicketEscalatedEvent {
  const { ticket } = firing
  return {
    firingId: firing.firingId,
    ticket: {
      id: ticket.id,
      subject: ticket.subject,
      customerName: ticket.customerName,
      priority: ticket.priority,
      inboxId: ticket.inboxId,
      createdAt: ticket.createdAt.toISOString(),
    },
    ruleId: firing.rule.id,
    ruleName: firing.rule.name,
    level: firing.level,
    reason: firing.reason,
    escalatedAt: firing.escalatedAt.toISOString(),
    targetUserIds: firing.inAppUserIds,
    chain: firing.chain,
    ...(firing.cause ? { cause: firing.cause } : {}),
    ...triggerFacts(firing),
  }
}

export function toSlaWarningEvent(warning: CommittedSlaWarning): TicketSlaWarningEvent {
  const { ticket } = warning
  return {
    warningId: warning.warningId,
    ticket: {
      id: ticket.id,
      subject: ticket.subject,
      customerName: ticket.customerName,
      priority: ticket.priority,
      inboxId: ticket.inboxId,
      createdAt: ticket.createdAt.toISOString(),
    },
    metric: warning.metric,
    status: 'at_risk',
    at: warning.at.toISOString(),
    dueAt: warning.dueAt.toISOString(),
    targetUserIds: warning.targetUserIds,
  }
}

export interface DeliveryDeps {
  broadcast: Broadcaster
  /** The one place ticket changes are told: the ticket service's `announce`. */
  announce(spaceId: string, events: TicketEvent[]): void
}

/**
 * After a batch of firings is committed: the space hears each ticket's change once (through
 * the ticket service, like every other ticket change; an SLA status that moved is a change)
 * and each in-app target gets `ticket:escalated`. The `in_app` rows stay pending until a client
 * of their target sends its delivery receipt (notifications/in-app-receipts.ts); other channels,
 * for their worker. Each SLA warning's staff get `ticket:sla-warning`; its in-app rows, like a
 * firing's, stay pending until a client's receipt, so someone with no tab open gets the amber
 * card from their next snapshot.
 */
export function createDelivery({ broadcast, announce }: DeliveryDeps) {
  return async function delivered(processed: ProcessedTicket[]): Promise<void> {
    for (const { ticket, firings, warnings, slaChanged } of processed) {
      for (const warning of warnings) {
        if (warning.targetUserIds.length === 0) continue
        // to staff only, by user: never to the space, never to a customer channel
        broadcast.toUsers(
          warning.spaceId,
          warning.targetUserIds,
          'ticket:sla-warning',
          toSlaWarningEvent(warning),
        )
      }
      if (firings.length === 0) {
        if (slaChanged) announce(ticket.spaceId, [{ kind: 'updated', ticket: toTicketDto(ticket) }])
        continue
      }
      const dto = toTicketDto(ticket)
      announce(ticket.spaceId, [
        { kind: 'updated', ticket: dto },
        ...firings.flatMap((firing) =>
          firing.note
            ? [{ kind: 'message' as const, ticket: dto, message: toMessageDto(firing.note) }]
            : [],
        ),
      ])
      for (const firing of firings) {
        if (firing.inAppUserIds.length === 0) continue
        broadcast.toUsers(
          firing.spaceId,
          firing.inAppUserIds,
          'ticket:escalated',
          toEscalatedEvent(firing),
        )
      }
    }
  }
}

/** `ticket:acknowledge` (SPEC §9.5): "I'm on it" from the pop-up (SPEC §11.2.1). */
export function createAcknowledgeHandlers(deps: {
  acknowledgements: Acknowledgements
  spaceId: string
  userId: string
}) {
  return {
    'ticket:acknowledge': async ({ firingId }) => ({
      ok: true,
      acknowledged: await deps.acknowledgements.acknowledge(
        deps.spaceId,
        firingId,
        deps.userId,
        'app',
      ),
    }),
  } satisfies ClientEventHandlers
}
