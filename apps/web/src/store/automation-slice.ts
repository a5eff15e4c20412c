import type {
  BusinessCalendar,
  EscalationRule,
  InboxPhoneEscalation,
  InboxTriggersResponse,
  RecomputeStatus,
  RotationDto,
  SlaPolicy,
  TicketAcknowledgedEvent,
  TicketEscalatedEvent,
  TicketSlaWarningEvent,
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
  /** Each inbox's instant triggers (SPEC §11.1). */
  inboxTriggers: Record<string, Loadable<InboxTriggersResponse>>
  /** The background recompute of due instants after a rule or hours change; null = not known. */
  recompute: RecomputeStatus | null
  /** The space's SLA policies (SPEC §8.1). */
  slaPolicies: Loadable<SlaPolicy[]>
  /** Pre-breach SLA warnings that reached you and are not dismissed, newest last. */
  slaWarnings: TicketSlaWarningEvent[]
}

export const createAutomationSlice: StateCreator<FlareState, [], [], AutomationSlice> = () => ({
  ticketAlerts: [],
  businessHours: { status: 'idle' },
  escalationRules: { status: 'idle' },
  rotations: { status: 'idle' },
  inboxPhone: {},
  inboxTriggers: {},
  recompute: null,
  slaPolicies: { status: 'idle' },
  slaWarnings: [],
})
