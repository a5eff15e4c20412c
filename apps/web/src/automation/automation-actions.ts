import type {
  ApiError,
  BusinessCalendar,
  EscalationRule,
  EscalationRuleCreate,
  EscalationRuleUpdate,
  InboxPhoneEscalation,
  InboxPhoneEscalationResponse,
  InboxTriggers,
  Result,
  RotationCreate,
  RotationDto,
  RotationUpdate,
  SlaPoliciesUpdate,
  TicketAcknowledgedEvent,
  TicketReleasedEvent,
} from '@flare/protocol'
import { problemOf } from '../api.js'
import { setSidePanelTab } from '../chat/chat-actions.js'
import { openTicket } from '../inbox/inbox-actions.js'
import { inboxApi } from '../inbox/inbox-api.js'
import { request } from '../socket.js'
import { announce, useFlare } from '../store/index.js'
import { automationApi } from './automation-api.js'
import { navigate } from './navigation.js'

// The automation feature's actions: the only automation code that talks to the server.
// Components call these and read the store; `automation-socket.ts` applies server events.

/** A write's outcome for a form: null on success, else the server's error (with its field). */
export type SaveProblem = ApiError | null

function spaceIdOrNull(): string | null {
  return useFlare.getState().spaceId
}

const NO_SPACE: ApiError = { code: 'INTERNAL', message: 'Not in a space.' }

const RECOMPUTE_POLL_MS = 1_000
let recomputePoll: ReturnType<typeof setTimeout> | null = null

/**
 * Follows the background recompute of due instants that a rule or hours change started, once
 * a second while it runs, for the settings page's progress line. Admins and managers only
 * (the only ones who can start one).
 */
export async function watchRecompute(): Promise<void> {
  const spaceId = spaceIdOrNull()
  const space = useFlare.getState().space
  const role = space.status === 'ready' ? space.value.role : null
  if (!spaceId || (role !== 'admin' && role !== 'manager')) return
  if (recomputePoll) clearTimeout(recomputePoll)
  recomputePoll = null
  try {
    const status = await automationApi.recompute(spaceId)
    if (spaceIdOrNull() !== spaceId) return
    useFlare.setState({ recompute: status })
    if (status.state === 'running') {
      recomputePoll = setTimeout(() => void watchRecompute(), RECOMPUTE_POLL_MS)
    }
  } catch {
    // progress is a courtesy: the saved change stands either way
  }
}

/** Loads what the settings page shows: business hours, rules, rotations and inboxes. */
export async function loadAutomationSettings(): Promise<void> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return
  useFlare.setState({
    businessHours: { status: 'loading' },
    escalationRules: { status: 'loading' },
    rotations: { status: 'loading' },
    slaPolicies: { status: 'loading' },
  })
  const still = () => useFlare.getState().spaceId === spaceId
  await Promise.all([
    automationApi.businessHours(spaceId).then(
      (r) =>
        still() && useFlare.setState({ businessHours: { status: 'ready', value: r.calendar } }),
      (e: unknown) =>
        still() &&
        useFlare.setState({ businessHours: { status: 'error', message: problemOf(e).message } }),
    ),
    automationApi.rules(spaceId).then(
      (r) =>
        still() &&
        useFlare.setState({
          escalationRules: { status: 'ready', value: r.rules },
        }),
      (e: unknown) =>
        still() &&
        useFlare.setState({ escalationRules: { status: 'error', message: problemOf(e).message } }),
    ),
    automationApi.slaPolicies(spaceId).then(
      (r) => still() && useFlare.setState({ slaPolicies: { status: 'ready', value: r.policies } }),
      (e: unknown) =>
        still() &&
        useFlare.setState({ slaPolicies: { status: 'error', message: problemOf(e).message } }),
    ),
    automationApi.rotations(spaceId).then(
      (r) => still() && useFlare.setState({ rotations: { status: 'ready', value: r.rotations } }),
      (e: unknown) =>
        still() &&
        useFlare.setState({ rotations: { status: 'error', message: problemOf(e).message } }),
    ),
    loadInboxesWithPhones(spaceId),
  ])
}

async function loadInboxesWithPhones(spaceId: string): Promise<void> {
  useFlare.setState({ inboxes: { status: 'loading' } })
  try {
    const { inboxes } = await inboxApi.inboxes(spaceId)
    useFlare.setState({ inboxes: { status: 'ready', value: inboxes } })
    await Promise.all(
      inboxes.flatMap((inbox) => [
        loadInboxPhone(spaceId, inbox.id),
        loadInboxTriggers(spaceId, inbox.id),
      ]),
    )
  } catch (error) {
    useFlare.setState({ inboxes: { status: 'error', message: problemOf(error).message } })
  }
}

function setInboxPhone(inboxId: string, answer: InboxPhoneEscalationResponse): void {
  const value: InboxPhoneEscalation = {
    enabled: answer.enabled,
    phone: answer.phone,
    minutes: answer.minutes,
  }
  useFlare.setState((s) => ({
    inboxPhone: { ...s.inboxPhone, [inboxId]: { status: 'ready', value } },
  }))
}

async function loadInboxPhone(spaceId: string, inboxId: string): Promise<void> {
  useFlare.setState((s) => ({ inboxPhone: { ...s.inboxPhone, [inboxId]: { status: 'loading' } } }))
  try {
    setInboxPhone(inboxId, await automationApi.inboxPhone(spaceId, inboxId))
  } catch (error) {
    useFlare.setState((s) => ({
      inboxPhone: {
        ...s.inboxPhone,
        [inboxId]: { status: 'error', message: problemOf(error).message },
      },
    }))
  }
}

async function loadInboxTriggers(spaceId: string, inboxId: string): Promise<void> {
  useFlare.setState((s) => ({
    inboxTriggers: { ...s.inboxTriggers, [inboxId]: { status: 'loading' } },
  }))
  try {
    const value = await automationApi.inboxTriggers(spaceId, inboxId)
    useFlare.setState((s) => ({
      inboxTriggers: { ...s.inboxTriggers, [inboxId]: { status: 'ready', value } },
    }))
  } catch (error) {
    useFlare.setState((s) => ({
      inboxTriggers: {
        ...s.inboxTriggers,
        [inboxId]: { status: 'error', message: problemOf(error).message },
      },
    }))
  }
}

/** An inbox's instant triggers (SPEC §11.1), replaced whole. */
export async function saveInboxTriggers(
  inboxId: string,
  body: InboxTriggers,
): Promise<SaveProblem> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return NO_SPACE
  try {
    const value = await automationApi.saveInboxTriggers(spaceId, inboxId, body)
    useFlare.setState((s) => ({
      inboxTriggers: { ...s.inboxTriggers, [inboxId]: { status: 'ready', value } },
    }))
    announce('Instant triggers saved')
    return null
  } catch (error) {
    return problemOf(error)
  }
}

export async function saveBusinessHours(calendar: BusinessCalendar): Promise<SaveProblem> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return NO_SPACE
  try {
    const r = await automationApi.saveBusinessHours(spaceId, calendar)
    useFlare.setState({ businessHours: { status: 'ready', value: r.calendar } })
    void watchRecompute()
    announce('Business hours saved')
    return null
  } catch (error) {
    return problemOf(error)
  }
}

/** An inbox's own hours; null = follow the space's. */
export async function saveInboxCalendar(
  inboxId: string,
  calendar: BusinessCalendar | null,
): Promise<SaveProblem> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return NO_SPACE
  try {
    const { inbox } = await automationApi.saveInboxCalendar(spaceId, inboxId, calendar)
    useFlare.setState((s) => ({
      inboxes:
        s.inboxes.status === 'ready'
          ? {
              status: 'ready',
              value: s.inboxes.value.map((i) => (i.id === inbox.id ? inbox : i)),
            }
          : s.inboxes,
    }))
    void watchRecompute()
    announce(`Business hours of ${inbox.name} saved`)
    return null
  } catch (error) {
    return problemOf(error)
  }
}

function storeRule(rule: EscalationRule): void {
  useFlare.setState((s) => {
    const known = s.escalationRules.status === 'ready' ? s.escalationRules.value : []
    const others = known.filter((r) => r.id !== rule.id)
    const index = known.findIndex((r) => r.id === rule.id)
    const value = index < 0 ? [...others, rule] : known.map((r) => (r.id === rule.id ? rule : r))
    return { escalationRules: { status: 'ready', value } }
  })
}

export async function createRule(
  body: EscalationRuleCreate,
): Promise<{ rule: EscalationRule } | { problem: ApiError }> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return { problem: NO_SPACE }
  try {
    const { rule } = await automationApi.createRule(spaceId, body)
    storeRule(rule)
    void watchRecompute()
    announce(`Rule ${rule.name} added`)
    return { rule }
  } catch (error) {
    return { problem: problemOf(error) }
  }
}

export async function updateRule(
  id: string,
  body: EscalationRuleUpdate,
): Promise<{ rule: EscalationRule } | { problem: ApiError }> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return { problem: NO_SPACE }
  try {
    const { rule } = await automationApi.updateRule(spaceId, id, body)
    storeRule(rule)
    void watchRecompute()
    return { rule }
  } catch (error) {
    return { problem: problemOf(error) }
  }
}

export async function setRuleEnabled(rule: EscalationRule, enabled: boolean): Promise<SaveProblem> {
  const result = await updateRule(rule.id, { enabled })
  if ('problem' in result) {
    announce(result.problem.message)
    return result.problem
  }
  announce(`${rule.name} ${enabled ? 'on' : 'off'}`)
  return null
}

export async function deleteRule(rule: EscalationRule): Promise<SaveProblem> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return NO_SPACE
  try {
    await automationApi.deleteRule(spaceId, rule.id)
    useFlare.setState((s) => ({
      escalationRules:
        s.escalationRules.status === 'ready'
          ? { status: 'ready', value: s.escalationRules.value.filter((r) => r.id !== rule.id) }
          : s.escalationRules,
    }))
    void watchRecompute()
    announce(`Rule ${rule.name} deleted`)
    return null
  } catch (error) {
    return problemOf(error)
  }
}

function storeRotation(rotation: RotationDto): void {
  useFlare.setState((s) => {
    const known = s.rotations.status === 'ready' ? s.rotations.value : []
    const exists = known.some((r) => r.id === rotation.id)
    return {
      rotations: {
        status: 'ready',
        value: exists
          ? known.map((r) => (r.id === rotation.id ? rotation : r))
          : [...known, rotation],
      },
    }
  })
}

export async function saveRotation(
  id: string | null,
  body: RotationCreate | RotationUpdate,
): Promise<SaveProblem> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return NO_SPACE
  try {
    const { rotation } = id
      ? await automationApi.updateRotation(spaceId, id, body)
      : await automationApi.createRotation(spaceId, body as RotationCreate)
    storeRotation(rotation)
    announce(`Rotation ${rotation.name} saved`)
    return null
  } catch (error) {
    return problemOf(error)
  }
}

export async function deleteRotation(rotation: RotationDto): Promise<SaveProblem> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return NO_SPACE
  try {
    await automationApi.deleteRotation(spaceId, rotation.id)
    useFlare.setState((s) => ({
      rotations:
        s.rotations.status === 'ready'
          ? { status: 'ready', value: s.rotations.value.filter((r) => r.id !== rotation.id) }
          : s.rotations,
    }))
    announce(`Rotation ${rotation.name} deleted`)
    return null
  } catch (error) {
    return problemOf(error)
  }
}

export async function saveInboxPhone(
  inboxId: string,
  body: InboxPhoneEscalation,
): Promise<SaveProblem> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return NO_SPACE
  try {
    setInboxPhone(inboxId, await automationApi.saveInboxPhone(spaceId, inboxId, body))
    // the preset is a rule in the list: show it as the server now has it
    void automationApi.rules(spaceId).then(
      (r) => useFlare.setState({ escalationRules: { status: 'ready', value: r.rules } }),
      () => undefined,
    )
    announce('Escalation to a phone saved')
    return null
  } catch (error) {
    return problemOf(error)
  }
}

// ---------------------------------------------------------------------------------------------
// The ticket pop-ups

/** "I'm on it": tells the other targets you took it. */
export function acknowledgeTicketAlert(
  firingId: string,
): Promise<Result<{ acknowledged: TicketAcknowledgedEvent }>> {
  return request('ticket:acknowledge', { firingId }).then((result) => {
    if (result.ok) applyAcknowledgement(result.acknowledged)
    return result
  })
}

/** Whether a pop-up is about the ticket and chain someone took or let go (SPEC §11.2). */
function sameChain(
  alert: { event: { firingId: string; ticket: { id: string }; chain: string } },
  about: { firingId: string; ticketId: string; chain?: string },
): boolean {
  if (alert.event.firingId === about.firingId) return true
  return alert.event.ticket.id === about.ticketId && alert.event.chain === about.chain
}

/**
 * Marks every pop-up of that ticket's chain as taken by someone: taking one level takes the
 * chain, so an earlier level's card says so too. A snooze updates it.
 */
export function applyAcknowledgement(acknowledged: TicketAcknowledgedEvent): void {
  useFlare.setState((s) => ({
    ticketAlerts: s.ticketAlerts.map((a) =>
      sameChain(a, acknowledged) ? { ...a, acknowledged } : a,
    ),
  }))
}

/** The person on it let go: the pop-ups of that chain can be taken again. */
export function applyRelease(released: TicketReleasedEvent): void {
  useFlare.setState((s) => ({
    ticketAlerts: s.ticketAlerts.map((a) =>
      sameChain(a, released) && a.acknowledged ? { ...a, acknowledged: null } : a,
    ),
  }))
}

/** Let go: the chain goes on, its next levels fire when due (SPEC §11.2.2). */
export async function letGoOfTicket(firingId: string): Promise<SaveProblem> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return NO_SPACE
  try {
    const { released } = await automationApi.letGo(spaceId, firingId)
    applyRelease(released)
    announce('You let go of it: the escalation goes on')
    return null
  } catch (error) {
    return problemOf(error)
  }
}

/** Snooze: quiet for `minutes`, then the chain goes on unless the customer was answered. */
export async function snoozeTicket(firingId: string, minutes: number): Promise<SaveProblem> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return NO_SPACE
  try {
    const { acknowledged } = await automationApi.snooze(spaceId, firingId, minutes)
    applyAcknowledgement(acknowledged)
    announce(`Snoozed for ${minutes} minutes`)
    return null
  } catch (error) {
    return problemOf(error)
  }
}

/** Replaces the space's SLA policies with `body` (the whole set). */
export async function saveSlaPolicies(body: SlaPoliciesUpdate): Promise<SaveProblem> {
  const spaceId = spaceIdOrNull()
  if (!spaceId) return NO_SPACE
  try {
    const { policies } = await automationApi.saveSlaPolicies(spaceId, body)
    useFlare.setState({ slaPolicies: { status: 'ready', value: policies } })
    void watchRecompute()
    announce('SLA policies saved')
    return null
  } catch (error) {
    return problemOf(error)
  }
}

export function dismissSlaWarning(warningId: string): void {
  useFlare.setState((s) => ({
    slaWarnings: s.slaWarnings.filter((w) => w.warningId !== warningId),
  }))
}

/** Brings the inbox forward with the ticket at risk open; the card has done its job. */
export function openSlaWarningTicket(warningId: string, ticketId: string): void {
  dismissSlaWarning(warningId)
  const spaceId = useFlare.getState().spaceId
  if (spaceId && window.location.pathname !== `/spaces/${spaceId}`) navigate(`/spaces/${spaceId}`)
  setSidePanelTab('inbox')
  void openTicket(ticketId)
}

/**
 * Pop-ups put away in this page. A snapshot brings back the card of an escalation you were
 * shown while it is still live (SPEC §7.2.1.1), so a reload or a new tab has it; this page,
 * which showed it and put it away, keeps it away across its own reconnects.
 */
const dismissedTicketAlerts = new Set<string>()

export function wasTicketAlertDismissed(firingId: string): boolean {
  return dismissedTicketAlerts.has(firingId)
}

export function dismissTicketAlert(firingId: string): void {
  dismissedTicketAlerts.add(firingId)
  useFlare.setState((s) => ({
    ticketAlerts: s.ticketAlerts.filter((a) => a.event.firingId !== firingId),
  }))
}

/**
 * Brings the inbox forward with the ticket open (back to the space first, from settings). The
 * card goes: it has done its job, and it would cover the ticket.
 */
export function openEscalatedTicket(firingId: string, ticketId: string): void {
  dismissTicketAlert(firingId)
  const spaceId = useFlare.getState().spaceId
  if (spaceId && window.location.pathname !== `/spaces/${spaceId}`) navigate(`/spaces/${spaceId}`)
  setSidePanelTab('inbox')
  void openTicket(ticketId)
}
