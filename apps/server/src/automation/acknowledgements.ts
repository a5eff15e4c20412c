import { ErrorCode, type TicketAcknowledgedEvent, type TicketEscalatedEvent } from '@flare/protocol'
import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { Clock } from '../auth/identity.js'
import type { Db } from '../db/database.js'
import { escalationFirings, notificationOutbox } from '../db/schema.js'
import { HttpError, notFound } from '../errors.js'
import type { Broadcaster } from '../realtime/broadcaster.js'
import type { ClientEventHandlers } from '../realtime/socket-handlers.js'
import { toMessageDto, toTicketDto } from '../tickets/ticket-repository.js'
import type { TicketEvent } from '../tickets/ticket-service.js'
import type { CommittedFiring, ProcessedTicket } from './rule-firing-scheduler.js'

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
 * the ticket service, like every other ticket change), each in-app target gets
 * `ticket:escalated`, and those outbox rows are marked sent. Other channels stay pending for
 * their delivery worker.
 */
export function createDelivery({ db, broadcast, clock, announce }: DeliveryDeps) {
  return async function delivered(processed: ProcessedTicket[]): Promise<void> {
    const sentFirings: string[] = []
    for (const { ticket, firings } of processed) {
      if (firings.length === 0) continue
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
        sentFirings.push(firing.firingId)
      }
    }
    if (sentFirings.length > 0) {
      const at = clock()
      await db
        .update(notificationOutbox)
        .set({ state: 'sent', sentAt: at, updatedAt: at, attempts: 1 })
        .where(
          and(
            inArray(notificationOutbox.firingId, sentFirings),
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
  deps: { db: Db; broadcast: Broadcaster; clock: Clock },
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
  return event
}

export function createAcknowledgeHandlers(deps: {
  db: Db
  broadcast: Broadcaster
  clock: Clock
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
