import type {
  BusinessCalendar,
  EscalationRule,
  InboxPhoneEscalation,
  RecomputeStatus,
  RotationDto,
  TicketAcknowledgedEvent,
  TicketEscalatedEvent,
} from '@flare/protocol'
import type { StateCreator } from 'zustand'
import type { FlareState, Loadable } from './index.js'

/** One automatic escalation that reached you: the event, and who took it once someone did. */
export interface TicketAlert {
  event: TicketEscalatedEvent
  acknowledged: TicketAcknowledgedEvent | null
}

/** Automatic escalations: the settings page's data and your ticket pop-ups. Owned by `automation/`. */
export interface AutomationSlice {
  /** Automatic escalations that reached you and are not dismissed, newest last. */
  ticketAlerts: TicketAlert[]
  /** The space's default business hours. */
  businessHours: Loadable<BusinessCalendar>
  escalationRules: Loadable<EscalationRule[]>
  rotations: Loadable<RotationDto[]>
  /** Each inbox's "Escalation to a phone" preset; null = never configured. */
  inboxPhone: Record<string, Loadable<InboxPhoneEscalation | null>>
  /** The background recompute of due instants after a rule or hours change; null = not known. */
  recompute: RecomputeStatus | null
}

export const createAutomationSlice: StateCreator<FlareState, [], [], AutomationSlice> = () => ({
  ticketAlerts: [],
  businessHours: { status: 'idle' },
  escalationRules: { status: 'idle' },
  rotations: { status: 'idle' },
  inboxPhone: {},
  recompute: null,
})
