import {
  ErrorCode,
  type TicketAcknowledgedEvent,
  type TicketEscalatedEvent,
  type TicketSlaWarningEvent,
} from '@flare/protocol'
import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { Clock } from '../auth/identity.js'
import type { Db } from '../db/database.js'
import { escalationFirings, notificationOutbox } from '../db/schema.js'
import { HttpError, notFound } from '../errors.js'
import type { EventBus } from '../events/domain-events.js'
import type { Broadcaster } from '../realtime/broadcaster.js'
import type { ClientEventHandlers } from '../realtime/socket-handlers.js'
import { toMessageDto, toTicketDto } from '../tickets/ticket-repository.js'
import type { TicketEvent } from '../tickets/ticket-service.js'
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
  db: Db
  broadcast: Broadcaster
  clock: Clock
  /** The one place ticket changes are told: the ticket service's `announce`. */
  announce(spaceId: string, events: TicketEvent[]): void
}

/**
 * After a batch of firings is committed: the space hears each ticket's change once (through
 * the ticket service, like every other ticket change; an SLA status that moved is a change)
 * and each in-app target gets `ticket:escalated`. The `in_app` rows stay pending until a client
 * of their target sends its delivery receipt (notifications/in-app-receipts.ts); other channels,
 * for their worker. Each SLA warning's staff get `ticket:sla-warning`, and its in-app rows are
 * marked sent with it (a warning has no receipt yet).
 */
export function createDelivery({ db, broadcast, clock, announce }: DeliveryDeps) {
  return async function delivered(processed: ProcessedTicket[]): Promise<void> {
    const sentWarnings: string[] = []
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
        sentWarnings.push(warning.warningId)
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
    if (sentWarnings.length > 0) {
      const at = clock()
      await db
        .update(notificationOutbox)
        .set({ state: 'sent', sentAt: at, updatedAt: at, attempts: 1 })
        .where(
          and(
            inArray(notificationOutbox.slaWarningId, sentWarnings),
            eq(notificationOutbox.channel, 'in_app'),
            eq(notificationOutbox.state, 'pending'),
          ),
        )
    }
  }
}

/**
 * "I'm on it" (SPEC §9 `ticket:acknowledge`): a target of the firing takes it; the first one
 * is recorded and every target hears who took it.
 */
export async function acknowledge(
  deps: { db: Db; broadcast: Broadcaster; clock: Clock; events: EventBus },
  spaceId: string,
  userId: string,
  firingId: string,
): Promise<TicketAcknowledgedEvent> {
  const [firing] = await deps.db
    .select()
    .from(escalationFirings)
    .where(and(eq(escalationFirings.id, firingId), eq(escalationFirings.spaceId, spaceId)))
  if (!firing) throw notFound('No such escalation in this space.')
  if (!firing.targetUserIds.includes(userId)) {
    throw new HttpError(403, {
      code: ErrorCode.FORBIDDEN,
      message: 'Only the people this escalation went to can take it.',
    })
  }
  // the first to take it wins, in every process: the conditional update is the claim
  const at = deps.clock()
  await deps.db
    .update(escalationFirings)
    .set({ acknowledgedBy: userId, acknowledgedAt: at })
    .where(and(eq(escalationFirings.id, firingId), isNull(escalationFirings.acknowledgedBy)))
  const [stored] = await deps.db
    .select()
    .from(escalationFirings)
    .where(eq(escalationFirings.id, firingId))
  const event: TicketAcknowledgedEvent = {
    firingId,
    ticketId: firing.ticketId,
    userId: stored?.acknowledgedBy ?? userId,
    at: (stored?.acknowledgedAt ?? at).toISOString(),
  }
  deps.broadcast.toUsers(spaceId, firing.targetUserIds, 'ticket:acknowledged', event)
  void deps.events.publish('ticket.acknowledged', { spaceId, acknowledged: event })
  return event
}

export function createAcknowledgeHandlers(deps: {
  db: Db
  broadcast: Broadcaster
  clock: Clock
  events: EventBus
  spaceId: string
  userId: string
}) {
  return {
    'ticket:acknowledge': async ({ firingId }) => ({
      ok: true,
      acknowledged: await acknowledge(deps, deps.spaceId, deps.userId, firingId),
    }),
  } satisfies ClientEventHandlers
}
