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
>

/** What `evaluateTicket` answers. */
export interface Evaluation<R extends EvaluableRule = EvaluableRule> {
  /** The one rule to fire now, or null. */
  fire: R | null
  /** The next instant at which evaluation could change; never before `now`; null = never, until something changes. */
  nextDueAt: Date | null
}
