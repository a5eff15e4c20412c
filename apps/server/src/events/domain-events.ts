import type {
  EscalationDto,
  EscalationEnded,
  MemberRole,
  PresenceStatus,
  TicketAcknowledgedEvent,
} from '@flare/protocol'
import type { FastifyBaseLogger } from 'fastify'

/**
 * The facts features tell each other, in this process, after they are committed. A feature
 * publishes its own facts and subscribes to others' here, and nowhere else: no setter called
 * after construction, no callback patched in later, no hook that reads another feature's URL.
 * What must reach browsers goes through the broadcaster instead; what must survive a crash
 * goes through the database (the outbox), never only through this bus.
 */
export interface DomainEvents {
  /** Tickets were created or changed (status, assignee, messages, holds) and committed. */
  'ticket.changed': { spaceId: string; ticketIds: string[] }
  /** A ticket was put on hold until `until`: the hold timer wakes then. */
  'ticket.held': { spaceId: string; ticketId: string; until: Date }
  /** Escalation rules of the space were created, changed or deleted. */
  'rule.changed': { spaceId: string }
  /** The SLA policies of the space were replaced. */
  'sla.changed': { spaceId: string }
  /** The business hours of the space, or of one of its inboxes, changed. */
  'calendar.changed': { spaceId: string; inboxId: string | null }
  /** A member raised a hand (a manual escalation). */
  'hand.raised': { spaceId: string; hand: EscalationDto }
  /**
   * Someone said "I'm on it" to a firing (`acknowledged.userId` is whoever took it first; told
   * again when a later target tries).
   */
  'ticket.acknowledged': { spaceId: string; acknowledged: TicketAcknowledgedEvent }
  /** Hands came down, each with its reason. */
  'hand.ended': { spaceId: string; ended: EscalationEnded[] }
  /** A member's first connection to the space (in this process) arrived. */
  'member.joined': { spaceId: string; userId: string; role: MemberRole }
  /** A member is gone: they left, or stayed disconnected past the grace. */
  'member.left': { spaceId: string; userId: string; reason: 'left' | 'disconnected' }
  /**
   * An admin removed a member from the space (committed; their connections are closed): their
   * hands come down and their open tickets are unassigned.
   */
  'member.removed': { spaceId: string; userId: string; removedBy: string }
  /** A member's avatar walked into a meeting room. */
  'member.enteredRoom': { spaceId: string; userId: string; roomId: string }
  'member.statusChanged': { spaceId: string; userId: string; status: PresenceStatus }
  /**
   * Notification outbox rows were committed (a firing, a reply to a customer): this process's
   * delivery worker looks now. Other processes hear of them by NOTIFY `flare_outbox`.
   */
  'outbox.queued': { spaceId: string }
}

export type DomainEventName = keyof DomainEvents
type Handler<E extends DomainEventName> = (event: DomainEvents[E]) => void | Promise<void>

export interface EventBus {
  /** Subscribes for the app's lifetime (or until the returned function is called). */
  on<E extends DomainEventName>(name: E, handler: Handler<E>): () => void
  /**
   * Tells every subscriber. Never throws: a failing subscriber is logged and does not stop
   * the others. The promise settles when all of them are done (tests and shutdown await it;
   * request handlers need not).
   */
  publish<E extends DomainEventName>(name: E, event: DomainEvents[E]): Promise<void>
  /** Waits for everything published so far to be handled (shutdown, tests). */
  settled(): Promise<void>
}

/**
 * A typed in-process event bus.
 *
 * @example
 * const bus = createEventBus(log)
 * bus.on('rule.changed', ({ spaceId }) => recompute.schedule(spaceId))
 * void bus.publish('rule.changed', { spaceId })
 */
export function createEventBus(log: FastifyBaseLogger): EventBus {
  const handlers = new Map<DomainEventName, Array<Handler<DomainEventName>>>()
  const inFlight = new Set<Promise<void>>()

  function listFor<E extends DomainEventName>(name: E): Array<Handler<E>> {
    let list = handlers.get(name)
    if (!list) {
      list = []
      handlers.set(name, list)
    }
    // one list per name: the map's key and the handlers' event type always agree
    return list as Array<Handler<E>>
  }

  async function call<E extends DomainEventName>(
    name: E,
    handler: Handler<E>,
    event: DomainEvents[E],
  ): Promise<void> {
    try {
      await handler(event)
    } catch (error) {
      log.error({ err: error, event: name }, 'a domain event subscriber failed')
    }
  }

  return {
    on(name, handler) {
      const list = listFor(name)
      list.push(handler)
      return () => {
        const at = list.indexOf(handler)
        if (at >= 0) list.splice(at, 1)
      }
    },
    publish(name, event) {
      const list = [...listFor(name)]
      const done = Promise.all(list.map((handler) => call(name, handler, event))).then(() => {})
      inFlight.add(done)
      void done.finally(() => inFlight.delete(done))
      return done
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all(inFlight)
    },
  }
}
