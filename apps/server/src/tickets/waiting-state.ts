import type { MessageAuthorKind, TicketStatus } from '@flare/protocol'

/** The part of a ticket the clocks of SPEC §6.2 read, kept exact on every change. */
export interface ClockState {
  status: TicketStatus
  holdUntil: Date | null
  openSince: Date
  waitingSince: Date | null
  escalationLevel: number
}

export type TicketChange =
  | { kind: 'message'; authorKind: MessageAuthorKind; internal: boolean; at: Date }
  | { kind: 'status'; status: TicketStatus; holdUntil: Date | null; at: Date }

/** A brand-new ticket, before its first message. */
export function newClockState(at: Date): ClockState {
  return { status: 'open', holdUntil: null, openSince: at, waitingSince: null, escalationLevel: 0 }
}

/** A material message is one the customer sees from staff: a reply, not a note. */
export function isMaterialStaffMessage(authorKind: MessageAuthorKind, internal: boolean): boolean {
  return authorKind === 'staff' && !internal
}

/**
 * The clock state after one change (SPEC §6.2). Pure, so every writer (REST, inbound, the
 * hold timer) moves the state the same way and tests can walk every transition:
 *
 * - a customer message starts a waiting period unless one is running (a follow-up does not
 *   restart it: **Deviation** from seed 002); on a held ticket it ends the hold, on a resolved
 *   or closed one it reopens the ticket (a new open life);
 * - a material staff reply ends the waiting period and resets `escalationLevel`;
 * - internal notes and system messages change nothing;
 * - hold, resolve and close stop the clock; resolve and close reset `escalationLevel`;
 * - the end of a hold reopens without waiting: the clock resumes on the next customer message.
 */
export function applyChange(state: ClockState, change: TicketChange): ClockState {
  if (change.kind === 'message') {
    if (change.authorKind === 'customer') {
      if (state.status === 'resolved' || state.status === 'closed') {
        return {
          ...state,
          status: 'open',
          holdUntil: null,
          openSince: change.at,
          waitingSince: change.at,
          escalationLevel: 0,
        }
      }
      if (state.status === 'on_hold') {
        return { ...state, status: 'open', holdUntil: null, waitingSince: change.at }
      }
      return { ...state, waitingSince: state.waitingSince ?? change.at }
    }
    if (isMaterialStaffMessage(change.authorKind, change.internal)) {
      return { ...state, waitingSince: null, escalationLevel: 0 }
    }
    return state
  }

  const { status, at } = change
  switch (status) {
    case 'on_hold':
      return { ...state, status, holdUntil: change.holdUntil, waitingSince: null }
    case 'resolved':
    case 'closed':
      return { ...state, status, holdUntil: null, waitingSince: null, escalationLevel: 0 }
    case 'open':
      if (state.status === 'resolved' || state.status === 'closed') {
        return { ...state, status, holdUntil: null, openSince: at, waitingSince: null }
      }
      return { ...state, status, holdUntil: null }
  }
}

/** The instants the SLA of SPEC §8.1 reads, kept beside the clock state. */
export interface SlaInstants {
  firstResponseAt: Date | null
  resolvedAt: Date | null
}

function isFinished(status: TicketStatus): boolean {
  return status === 'resolved' || status === 'closed'
}

/**
 * The SLA instants after one change: the first material staff reply is kept for good (set
 * once); `resolvedAt` is when the ticket was resolved or closed (a close after a resolve
 * keeps the resolve), and null again once it reopens.
 */
export function slaInstantsAfter(
  before: SlaInstants & { status: TicketStatus },
  after: ClockState,
  change: TicketChange,
): SlaInstants {
  const replied =
    change.kind === 'message' && isMaterialStaffMessage(change.authorKind, change.internal)
  return {
    firstResponseAt: before.firstResponseAt ?? (replied ? change.at : null),
    resolvedAt: isFinished(after.status)
      ? isFinished(before.status)
        ? (before.resolvedAt ?? change.at)
        : change.at
      : null,
  }
}
