import type { InboxDto, SlaPolicy, TicketDto, TicketSlaWarningEvent } from '@flare/protocol'
import { act, render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AlertRail } from '../hands/AlertRail.js'
import { SlaBadge } from '../inbox/SlaBadge.js'
import { useFlare } from '../store/index.js'
import { fakeServer } from '../test/fake-server.js'
import { fakeSocket } from '../test/fake-socket.js'
import { ticketFixture } from '../test/ticket-fixture.js'
import { registerAutomationEvents } from './automation-socket.js'
import { SlaPoliciesPanel } from './SlaPoliciesPanel.js'

const U = (n: number) => `0b6c7a52-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`
const SPACE = U(90)
const INBOX = U(80)

function ticket(fields: Partial<TicketDto> = {}): TicketDto {
  return ticketFixture({
    id: U(1),
    spaceId: SPACE,
    inboxId: INBOX,
    priority: 'urgent',
    slaStatus: 'on_track',
    slaDueAt: '2026-11-23T10:15:00.000Z',
    ...fields,
  })
}

const warning: TicketSlaWarningEvent = {
  warningId: U(50),
  ticket: {
    id: U(1),
    subject: 'Payment page down',
    customerName: 'Priya Shah',
    priority: 'urgent',
    inboxId: INBOX,
    createdAt: '2026-11-23T10:00:00.000Z',
  },
  metric: 'first_response',
  status: 'at_risk',
  at: '2026-11-23T10:12:00.000Z',
  dueAt: '2026-11-23T10:15:00.000Z',
  targetUserIds: [U(2)],
}

describe('SlaBadge', () => {
  it.each([
    [ticket({ slaStatus: 'on_track' }), 'SLA on track', 'sla-on_track'],
    [ticket({ slaStatus: 'at_risk' }), 'SLA at risk', 'sla-at_risk'],
    [ticket({ slaStatus: 'breached', slaDueAt: null }), 'SLA breached', 'sla-breached'],
    [
      ticket({ slaStatus: 'on_track', status: 'resolved', slaDueAt: null }),
      'SLA met',
      'sla-on_track',
    ],
  ])('[8.1.2] says the status in words, the colour repeating it', (t, words, className) => {
    render(<SlaBadge ticket={t} />)
    const badge = screen.getByTestId('sla-status')
    expect(badge.textContent).toBe(words)
    expect(badge.classList.contains(className)).toBe(true)
  })

  it('[8.1.2] shows nothing when no policy applies', () => {
    const { container } = render(<SlaBadge ticket={ticket({ slaStatus: null })} />)
    expect(container.textContent).toBe('')
  })
})

describe('the SLA warning card', () => {
  it('[8.1.5] a warning from the server becomes one amber card, announced; Escape dismisses it', async () => {
    const user = userEvent.setup()
    const { socket, fire } = fakeSocket()
    registerAutomationEvents(socket)
    render(<AlertRail />)
    act(() => fire('ticket:sla-warning', warning))
    // a repeat of the same warning (a reconnect) is still one card
    act(() => fire('ticket:sla-warning', warning))
    const card = screen.getByRole('article', { name: 'SLA at risk: Payment page down' })
    expect(card.classList.contains('alert-sla')).toBe(true)
    expect(within(card).getByTestId('sla-warning-due').textContent).toMatch(
      /^First response due by/,
    )
    expect(screen.getAllByRole('article')).toHaveLength(1)
    expect(screen.getByTestId('alert-announcer').textContent).toBe(
      'SLA at risk: Payment page down. Press Alt+1 to respond.',
    )
    await user.keyboard('{Alt>}1{/Alt}')
    expect(document.activeElement).toBe(card)
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('article')).toBeNull()
    expect(useFlare.getState().slaWarnings).toEqual([])
  })
})

describe('an SLA warning card as its ticket moves on', () => {
  it('[8.1.5] says when the target was missed, and folds once the ticket is back on track', () => {
    const { socket, fire } = fakeSocket()
    registerAutomationEvents(socket)
    render(<AlertRail />)
    const atRisk = ticket({ id: U(52), subject: 'Invoice twice', slaStatus: 'at_risk' })
    act(() => useFlare.setState((s) => ({ tickets: { ...s.tickets, [atRisk.id]: atRisk } })))
    act(() =>
      fire('ticket:sla-warning', {
        ...warning,
        warningId: U(53),
        ticket: { ...warning.ticket, id: atRisk.id, subject: 'Invoice twice' },
      }),
    )
    expect(screen.getByRole('article', { name: 'SLA at risk: Invoice twice' })).toBeTruthy()

    const move = (slaStatus: TicketDto['slaStatus']) =>
      act(() =>
        useFlare.setState((s) => ({
          tickets: { ...s.tickets, [atRisk.id]: { ...atRisk, slaStatus } },
        })),
      )
    move('breached')
    const breached = screen.getByRole('article', { name: 'SLA breached: Invoice twice' })
    expect(within(breached).getByTestId('sla-warning-due').textContent).toMatch(
      /^First response was due by/,
    )
    move('on_track')
    const settled = screen.getByRole('article', { name: 'SLA no longer at risk: Invoice twice' })
    expect(within(settled).getByTestId('sla-warning-settled').textContent).toBe('Back on track.')
  })
})

describe('an SLA warning from the snapshot', () => {
  it('[8.1.5] a warning nobody saw live comes with the snapshot: one amber card, announced once', () => {
    const { socket, fire } = fakeSocket()
    registerAutomationEvents(socket)
    render(<AlertRail />)
    const later = { ...warning, warningId: U(51), ticket: { ...warning.ticket, subject: 'Refund' } }
    act(() => fire('space:snapshot', { slaWarnings: [later] }))
    // a reconnect before the receipt went through offers it again: still one card
    act(() => fire('space:snapshot', { slaWarnings: [later] }))
    act(() => fire('ticket:sla-warning', later))
    const card = screen.getByRole('article', { name: 'SLA at risk: Refund' })
    expect(card.classList.contains('alert-sla')).toBe(true)
    expect(screen.getAllByRole('article')).toHaveLength(1)
    expect(useFlare.getState().slaWarnings.map((w) => w.warningId)).toEqual([U(51)])
    expect(screen.getByTestId('alert-announcer').textContent).toBe(
      'SLA at risk: Refund. Press Alt+1 to respond.',
    )
  })
})

const inbox: InboxDto = {
  id: INBOX,
  spaceId: SPACE,
  name: 'Support SMS',
  channelAddress: '+15550100',
  adminUserIds: [],
  calendar: null,
  createdAt: '2026-11-01T00:00:00.000Z',
}

const stored: SlaPolicy = {
  id: U(40),
  spaceId: SPACE,
  inboxId: null,
  priority: 'urgent',
  firstResponseMinutes: 15,
  resolutionMinutes: 240,
  businessHours: true,
  atRiskPercent: 80,
  updatedAt: '2026-11-01T00:00:00.000Z',
  updatedBy: null,
}

describe('SlaPoliciesPanel', () => {
  beforeEach(() => {
    useFlare.setState({ spaceId: SPACE })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('[8.1.1] adds a policy for one inbox and saves the whole set', async () => {
    const user = userEvent.setup()
    const calls = fakeServer({
      [`PUT /api/spaces/${SPACE}/sla-policies`]: () => ({
        status: 200,
        body: { policies: [stored] },
      }),
      [`GET /api/spaces/${SPACE}/automation/recompute`]: () => ({
        status: 200,
        body: { state: 'idle', done: 0, total: 0, startedAt: null },
      }),
    })
    render(<SlaPoliciesPanel policies={[stored]} inboxes={[inbox]} canEdit />)
    expect(
      (screen.getByLabelText('Policy 1: first response target in minutes') as HTMLInputElement)
        .value,
    ).toBe('15')
    await user.click(screen.getByRole('button', { name: 'Add policy' }))
    await user.selectOptions(screen.getByLabelText('Policy 2: applies to'), 'Support SMS')
    await user.selectOptions(screen.getByLabelText('Policy 2: priority'), 'High')
    await user.type(screen.getByLabelText('Policy 2: first response target in minutes'), '60')
    await user.selectOptions(screen.getByLabelText('Policy 2: counts'), 'Around the clock')
    await user.click(screen.getByRole('button', { name: 'Save SLA policies' }))
    const put = calls.find((c) => c.method === 'PUT')
    expect(put?.body).toEqual({
      policies: [
        {
          priority: 'urgent',
          inboxId: null,
          firstResponseMinutes: 15,
          resolutionMinutes: 240,
          businessHours: true,
          atRiskPercent: 80,
        },
        {
          priority: 'high',
          inboxId: INBOX,
          firstResponseMinutes: 60,
          resolutionMinutes: null,
          businessHours: false,
          atRiskPercent: 80,
        },
      ],
    })
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('[8.1.1] names the row of a problem before anything is sent', async () => {
    const user = userEvent.setup()
    const calls = fakeServer({})
    render(<SlaPoliciesPanel policies={[stored]} inboxes={[inbox]} canEdit />)
    await user.click(screen.getByRole('button', { name: 'Add policy' }))
    // a second space-wide urgent policy, and no target
    await user.type(screen.getByLabelText('Policy 2: resolution target in minutes'), '30')
    await user.click(screen.getByRole('button', { name: 'Save SLA policies' }))
    expect(screen.getByRole('alert').textContent).toMatch(/^Policy 2: A second policy for 'urgent'/)
    expect(screen.getByLabelText('Policy 2: priority').getAttribute('aria-invalid')).toBe('true')
    expect(calls).toEqual([])
  })

  it('[8.1.1] agents read the policies but cannot change them', () => {
    render(<SlaPoliciesPanel policies={[stored]} inboxes={[inbox]} canEdit={false} />)
    expect(screen.queryByRole('button', { name: 'Save SLA policies' })).toBeNull()
    // the fieldset is disabled, and with it every field in it
    expect(screen.getByLabelText('Policy 1: priority').matches(':disabled')).toBe(true)
  })
})
