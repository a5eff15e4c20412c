import type {
  EscalationHistoryEntryDto,
  EscalationRule,
  TicketPriority,
  TicketStatus,
  TriggerKind,
} from '@flare/protocol'

/**
 * One entry of a ticket's escalation history (SPEC §6.3.5): the protocol's entry with its
 * instant as a `Date`. The engine reads only `escalatedAt` and `ruleId`; the other fields are
 * carried for the server and the UI.
 */
export type EscalationHistoryEntry = Omit<EscalationHistoryEntryDto, 'escalatedAt'> & {
  escalatedAt: Date
}

/** Why a firing fired when not because its rule's clock reached the threshold (§11.2.3). */
export type FiringCause = NonNullable<EscalationHistoryEntryDto['cause']>

/**
 * "I'm on it" for one chain (SPEC §11.2), as the engine reads it: the chain's further levels
 * stay quiet from `acknowledgedAt` until `until` (a snooze's end, the acknowledger letting go,
 * the customer writing again); null = until something changes.
 */
export interface ChainAcknowledgement {
  chain: string
  acknowledgedAt: Date
  until: Date | null
}

/**
 * What the engine knows of a ticket: a plain snapshot the server builds from the
 * database (and the web app's rule preview from what it shows).
 */
export interface TicketSnapshot {
  id: string
  inboxId: string
  status: TicketStatus
  priority: TicketPriority
  categoryId: string | null
  /** null = unassigned */
  assignedToUserId: string | null
  /** Firings since staff last answered, or the ticket was last resolved or closed (§6.2). */
  escalationLevel: number
  /** e.g. `on_track`, `at_risk`, `breached`; null when no SLA applies (`computeSla`). */
  slaStatus: string | null
  /** Minutes from creation to the first staff reply (`computeSla`); null until then. */
  firstResponseTime: number | null
  customerTags: readonly string[]
  createdAt: Date
  /**
   * Start of the current open life: `createdAt`, or when the ticket was last reopened
   * after being resolved or closed. The `age` clock's period starts here.
   */
  openSince: Date
  /**
   * Start of the current waiting period: the first customer message staff has not yet
   * answered (a follow-up does not move it), or null when the ticket is not waiting on
   * staff. `findWaitingSince` derives it from the messages.
   */
  waitingSince: Date | null
  /** Every escalation of the ticket, any order; firing state is derived from it per period. */
  escalationHistory: readonly EscalationHistoryEntry[]
  /**
   * The instant trigger being fired (SPEC §11.1), which the `trigger` condition tests; null or
   * absent when the ticket is evaluated by the clock.
   */
  trigger?: TriggerKind | null
  /**
   * The latest acknowledgement of each chain (§11.2); absent or empty = nobody took any. One
   * from before the chain's current period is ignored.
   */
  acknowledgements?: readonly ChainAcknowledgement[]
}

/** The fields of a stored rule (`EscalationRule` of `@flare/protocol`) the engine reads. */
export type EvaluableRule = Pick<
  EscalationRule,
  | 'id'
  | 'enabled'
  | 'inboxId'
  | 'priority'
  | 'chain'
  | 'conditions'
  | 'clock'
  | 'escalateAfterMinutes'
  | 'repeatEveryMinutes'
  | 'businessHoursOnly'
> &
  // optional, so rules built before acknowledgement timeouts existed still evaluate (§11.2.3)
  Partial<Pick<EscalationRule, 'acknowledgeWithinMinutes' | 'fallback'>>

/** What `evaluateTicket` answers. */
export interface Evaluation<R extends EvaluableRule = EvaluableRule> {
  /** The one rule to fire now, or null. */
  fire: R | null
  /** The next instant at which evaluation could change; never before `now`; null = never, until something changes. */
  nextDueAt: Date | null
  /**
   * Present when `fire` fires because the chain's latest firing went unacknowledged (§11.2.3):
   * `acknowledge_timeout` climbs to `fire`, the next level; `fallback` sends `fire` (the rule
   * that was not acknowledged) to its fallback target. Record the firing with this cause.
   */
  cause?: FiringCause
  /** With `cause`: the firing nobody took, and how long it waited (the rule's minutes). */
  unacknowledged?: { ruleId: string; level: number; escalatedAt: Date; minutes: number }
}
