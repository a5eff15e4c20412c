import type {
  SpaceResponse,
  TicketAcknowledgementDto,
  TicketDto,
  TicketEscalatedEvent,
  TicketMessageDto,
} from '@flare/protocol'
import { act, fireEvent, render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { registerAutomationEvents } from '../automation/automation-socket.js'
import { useFlare } from '../store/index.js'
import { fakeSocket } from '../test/fake-socket.js'
import { ticketFixture } from '../test/ticket-fixture.js'
import { registerInboxEvents } from './inbox-socket.js'
import { TicketView } from './TicketView.js'

vi.mock('../hands/sound.js', () => ({ playAlert: () => undefined }))

// the socket's request, answered as the server would: "I'm on it" goes to whoever asked, unless
// the test says someone else had it or the server refuses
const requested: Array<{ event: string; payload: unknown }> = []
const answer: { holder: string | null; refuse: string | null } = { holder: null, refuse: null }
vi.mock('../socket.js', () => ({
  request: async (event: string, payload: { firingId: string }) => {
    requested.push({ event, payload })
    if (event !== 'ticket:acknowledge') return { ok: true }
    if (answer.refuse) return { ok: false, error: { code: 'FORBIDDEN', message: answer.refuse } }
    return {
      ok: true,
      acknowledged: {
        firingId: payload.firingId,
        ticketId: T,
        userId: answer.holder ?? DANA,
        at: '2026-11-23T10:05:00.000Z',
        chain: 'default',
        snoozedUntil: null,
        via: 'app',
      },
    }
  },
}))

const U = (n: number) => `0b6c7a52-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`
const SPACE = U(90)
const INBOX = U(80)
const DANA = U(1)
const ELI = U(2)
const T = U(50)
const FIRING = U(40)

const space: SpaceResponse = {
  space: { id: SPACE, name: 'Contact Center', mapWidth: 100, mapHeight: 100, timezone: 'UTC' },
  role: 'agent',
  rooms: [],
  groups: [],
  members: [
    { userId: DANA, displayName: 'Dana Reyes', role: 'agent', managerUserId: null },
    { userId: ELI, displayName: 'Eli Novak', role: 'agent', managerUserId: null },
  ],
}

function ticket(fields: Partial<TicketDto> = {}): TicketDto {
  return ticketFixture({
    id: T,
    spaceId: SPACE,
    inboxId: INBOX,
    subject: 'Order #4821 still processing',
    priority: 'high',
    createdAt: '2026-11-23T09:40:00.000Z',
    openSince: '2026-11-23T09:40:00.000Z',
    waitingSince: '2026-11-23T09:40:00.000Z',
    escalationLevel: 2,
    lastEscalatedAt: '2026-11-23T09:55:00.000Z',
    escalationHistory: [
      {
        escalatedAt: '2026-11-23T09:55:00.000Z',
        ruleId: U(70),
        ruleName: 'Waiting 15 minutes',
        escalatedTo: DANA,
        level: 2,
        reason: 'Customer waiting 15 minutes without a reply',
        firingId: FIRING,
        chain: 'default',
        targetUserIds: [DANA, ELI],
      },
    ],
    lastMessageAt: '2026-11-23T09:40:00.000Z',
    preview: 'Hi, my order',
    ...fields,
  })
}

function message(n: number, fields: Partial<TicketMessageDto> = {}): TicketMessageDto {
  return {
    id: U(n),
    ticketId: T,
    authorKind: 'customer',
    authorUserId: null,
    body: `Message ${n}`,
    internal: false,
    createdAt: '2026-11-23T09:40:00.000Z',
    ...fields,
  }
}

function escalated(fields: Partial<TicketEscalatedEvent> = {}): TicketEscalatedEvent {
  return {
    firingId: FIRING,
    ticket: {
      id: T,
      subject: 'Order #4821 still processing',
      customerName: 'Priya Shah',
      priority: 'high',
      inboxId: INBOX,
      createdAt: '2026-11-23T09:40:00.000Z',
    },
    ruleId: U(70),
    ruleName: 'Waiting 15 minutes',
    level: 2,
    reason: 'Customer waiting 15 minutes without a reply',
    escalatedAt: '2026-11-23T09:55:00.000Z',
    targetUserIds: [DANA, ELI],
    chain: 'default',
    ...fields,
  }
}

const taken = (userId: string): TicketAcknowledgementDto => ({
  chain: 'default',
  firingId: FIRING,
  level: 2,
  userId,
  acknowledgedAt: '2026-11-23T10:05:00.000Z',
  via: 'app',
  snoozedUntil: null,
  endedAt: null,
  endReason: null,
})

/** The space's socket as both features listen to it: server events delivered inside act. */
function connect() {
  const { socket, fire } = fakeSocket()
  registerInboxEvents(socket)
  const automation = fakeSocket()
  registerAutomationEvents(automation.socket)
  return (event: string, payload: unknown) =>
    act(() => {
      fire(event, payload)
      automation.fire(event, payload)
    })
}

function openTicket(shown: TicketDto, messages: TicketMessageDto[] = [message(10)]) {
  useFlare.setState({
    tickets: { [T]: shown },
    selectedTicketId: T,
    ticketConversation: { status: 'ready', value: { ticketId: T, messages } },
  })
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-23T10:05:00.000Z'))
  requested.length = 0
  answer.holder = null
  answer.refuse = null
  useFlare.setState({
    spaceId: SPACE,
    space: { status: 'ready', value: space },
    snapshot: {
      protocolVersion: 1,
      spaceId: SPACE,
      serverTime: '2026-11-23T10:05:00.000Z',
      you: DANA,
      members: [],
      rooms: [],
      escalations: [],
    },
  })
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('the ticket view as a column', () => {
  it('[4] scrolls the escalations and the conversation in one region, with the reply box after it', () => {
    openTicket(ticket(), [message(10), message(11)])
    render(<TicketView ticketId={T} />)
    const region = screen.getByRole('region', { name: 'Escalations and conversation' })
    expect(within(region).getByRole('list', { name: 'Conversation' })).toBeTruthy()
    expect(within(region).getByRole('list', { name: 'Escalation history' })).toBeTruthy()
    // the reply box is not in what scrolls: it stays in view under it
    const send = screen.getByRole('button', { name: 'Send reply' })
    expect(region.contains(send)).toBe(false)
    expect(region.compareDocumentPosition(send) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
    // and the actions on the ticket stay above it
    const resolve = screen.getByRole('button', { name: 'Resolve' })
    expect(region.contains(resolve)).toBe(false)
  })

  it('[4] opens at the newest message, and follows new ones only while you are at the end', () => {
    const height = vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockReturnValue(1_000)
    const client = vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(300)
    try {
      openTicket(ticket(), [message(10), message(11)])
      render(<TicketView ticketId={T} />)
      const region = screen.getByRole('region', { name: 'Escalations and conversation' })
      expect(region.scrollTop).toBe(1_000)
      // reading further up: a new message leaves you where you are
      region.scrollTop = 100
      act(() => {
        region.dispatchEvent(new Event('scroll'))
      })
      act(() => openTicket(ticket(), [message(10), message(11), message(12)]))
      expect(region.scrollTop).toBe(100)
    } finally {
      height.mockRestore()
      client.mockRestore()
    }
  })
})

describe('the ticket controls by keyboard', () => {
  /** PATCHes of the ticket as the server would answer them: the ticket with the change. */
  function serverTakingPatches() {
    const patches: unknown[] = []
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (init?.method !== 'PATCH') throw new Error(`unexpected ${url}`)
      const change = JSON.parse(String(init.body))
      patches.push(change)
      const updated = {
        ...useFlare.getState().tickets[T]!,
        ...change,
        updatedAt: new Date().toISOString(),
      }
      return new Response(JSON.stringify({ ticket: updated }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })
    })
    return patches
  }

  it('[4] stepping through the assignees saves the one settled on, once, and keeps focus', async () => {
    const patches = serverTakingPatches()
    openTicket(ticket({ assignedToUserId: null }))
    render(<TicketView ticketId={T} />)
    const assignee = screen.getByRole('combobox', { name: 'Assignee' })
    assignee.focus()
    // ArrowDown twice on a closed select: a change at every step
    fireEvent.change(assignee, { target: { value: DANA } })
    fireEvent.change(assignee, { target: { value: ELI } })
    expect(patches).toEqual([])
    expect((assignee as HTMLSelectElement).value).toBe(ELI)
    // it settles after a moment without a change
    await vi.waitFor(() => expect(patches).toEqual([{ assignedToUserId: ELI }]), {
      timeout: 3_000,
    })
    await vi.waitFor(() => expect(useFlare.getState().tickets[T]?.assignedToUserId).toBe(ELI))
    expect(document.activeElement).toBe(assignee)
    expect((assignee as HTMLSelectElement).disabled).toBe(false)

    // leaving the select saves at once
    fireEvent.change(assignee, { target: { value: '' } })
    fireEvent.blur(assignee)
    await vi.waitFor(() => expect(patches).toHaveLength(2))
    expect(patches[1]).toEqual({ assignedToUserId: null })
  })

  it('[4] Resolve leaves focus on what took its place, and says so', async () => {
    const patches = serverTakingPatches()
    openTicket(ticket())
    const user = userEvent.setup()
    render(<TicketView ticketId={T} />)
    await user.click(screen.getByRole('button', { name: 'Resolve' }))
    await vi.waitFor(() => expect(patches).toEqual([{ status: 'resolved' }]))
    const reopen = await screen.findByRole('button', { name: 'Reopen' })
    await vi.waitFor(() => expect(document.activeElement).toBe(reopen))
    expect(useFlare.getState().announcement.text).toBe('Ticket resolved')
  })
})

describe('the customer line', () => {
  it('[4] keeps a right-to-left name from turning the phone number around', () => {
    openTicket(
      ticket({
        customer: { name: 'نادية حداد 🌙', phone: '+15557770001', email: 'n@example.com' },
      }),
    )
    const { container } = render(<TicketView ticketId={T} />)
    const meta = container.querySelector('.ticket-meta')
    expect(meta?.querySelector('bdi')?.textContent).toBe('نادية حداد 🌙')
    const ltr = [...(meta?.querySelectorAll('[dir="ltr"]') ?? [])].map((e) => e.textContent)
    expect(ltr).toEqual(['+15557770001', 'n@example.com'])
  })
})

describe('a long subject', () => {
  it('[4] shows two lines, the whole of it a press away', async () => {
    const tall = vi
      .spyOn(HTMLElement.prototype, 'scrollHeight', 'get')
      .mockImplementation(function (this: HTMLElement) {
        return this.tagName === 'H2' && this.classList.contains('clamped') ? 140 : 40
      })
    const shown = vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(40)
    try {
      const user = userEvent.setup()
      openTicket(ticket({ subject: 'Order '.repeat(40) }))
      render(<TicketView ticketId={T} />)
      const heading = screen.getByRole('heading', { level: 2 })
      expect(heading.classList.contains('clamped')).toBe(true)
      const whole = screen.getByRole('button', { name: 'Whole subject' })
      expect(whole.getAttribute('aria-expanded')).toBe('false')
      await user.click(whole)
      expect(heading.classList.contains('clamped')).toBe(false)
      expect(screen.getByRole('button', { name: 'Less' }).getAttribute('aria-expanded')).toBe(
        'true',
      )
    } finally {
      tall.mockRestore()
      shown.mockRestore()
    }
  })
})

describe('a reply being written', () => {
  it('[4] stays with its ticket while another is open, and goes when emptied', async () => {
    const user = userEvent.setup()
    openTicket(ticket())
    const { unmount } = render(<TicketView ticketId={T} />)
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Your refund is on its way')
    // another ticket opens in its place (the inbox remounts the view), then this one again
    unmount()
    openTicket(ticket())
    render(<TicketView ticketId={T} />)
    const field = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement
    expect(field.value).toBe('Your refund is on its way')
    await user.clear(field)
    expect(window.sessionStorage.length).toBe(0)
  })
})

describe('"I’m on it" in the ticket view', () => {
  it('[11.2.1] offers it to a target once the alert card is gone, and takes it as the card would', async () => {
    const fire = connect()
    fire('ticket:escalated', escalated())
    // the card was opened (or dismissed): the rail has forgotten it, the ticket has not
    act(() => useFlare.setState({ ticketAlerts: [] }))
    openTicket(ticket())
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    render(<TicketView ticketId={T} />)
    const offer = screen.getByTestId('take-escalation')
    expect(offer.textContent).toContain('Escalated to you, level 2')
    await user.click(within(offer).getByRole('button', { name: 'I’m on it' }))
    expect(requested.filter((r) => r.event === 'ticket:acknowledge')).toEqual([
      { event: 'ticket:acknowledge', payload: { firingId: FIRING } },
    ])
    expect(screen.getByRole('status').textContent).toBe('You are on it.')
    expect(screen.queryByRole('button', { name: 'I’m on it' })).toBeNull()
    // the ticket's own copy then says it, with the way to let go
    fire(
      'ticket:updated',
      ticket({ acknowledgements: [taken(DANA)], updatedAt: '2026-11-23T10:05:01.000Z' }),
    )
    expect(screen.getByTestId('ticket-on-it').textContent).toContain('You are on it')
    expect(screen.queryByRole('status')).toBeNull()
    expect(screen.queryByRole('button', { name: 'I’m on it' })).toBeNull()
  })

  it('[11.2.1] after a reload or on another device the ticket alone is enough: no card ever reached this page', () => {
    openTicket(ticket())
    render(<TicketView ticketId={T} />)
    expect(screen.getByRole('button', { name: 'I’m on it' })).toBeTruthy()
  })

  it('[11.2.1] offers nothing to someone the escalation did not go to, nor for a firing recorded without its targets', () => {
    const entry = ticket().escalationHistory[0]!
    openTicket(ticket({ escalationHistory: [{ ...entry, targetUserIds: [ELI] }] }))
    const { unmount } = render(<TicketView ticketId={T} />)
    expect(screen.queryByRole('button', { name: 'I’m on it' })).toBeNull()
    expect(screen.queryByTestId('take-escalation')).toBeNull()
    unmount()
    const { firingId: _f, chain: _c, targetUserIds: _t, ...older } = entry
    openTicket(ticket({ escalationHistory: [older] }))
    render(<TicketView ticketId={T} />)
    expect(screen.queryByRole('button', { name: 'I’m on it' })).toBeNull()
  })

  it('[11.2.2] goes when someone else takes it, and says who', () => {
    const fire = connect()
    openTicket(ticket())
    render(<TicketView ticketId={T} />)
    expect(screen.getByRole('button', { name: 'I’m on it' })).toBeTruthy()
    fire(
      'ticket:updated',
      ticket({ acknowledgements: [taken(ELI)], updatedAt: '2026-11-23T10:05:01.000Z' }),
    )
    expect(screen.queryByRole('button', { name: 'I’m on it' })).toBeNull()
    expect(screen.getByTestId('ticket-on-it').textContent).toContain('Eli Novak is on it')
  })

  it('[11.2.1] says who had it when someone was quicker, and shows a refusal', async () => {
    openTicket(ticket())
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    render(<TicketView ticketId={T} />)
    answer.refuse = 'This escalation did not go to you.'
    await user.click(screen.getByRole('button', { name: 'I’m on it' }))
    expect(screen.getByRole('alert').textContent).toBe('This escalation did not go to you.')
    // still on offer: the refusal may have been a lost connection
    answer.refuse = null
    answer.holder = ELI
    await user.click(screen.getByRole('button', { name: 'I’m on it' }))
    expect(screen.queryByRole('alert')).toBeNull()
    expect(screen.getByRole('status').textContent).toBe('Eli Novak is on it already.')
  })

  it('[11.2.2] offers nothing once the customer was answered, the ticket resolved, or for a firing of an earlier open life', () => {
    openTicket(ticket({ escalationLevel: 0, waitingSince: null }))
    const first = render(<TicketView ticketId={T} />)
    expect(screen.queryByRole('button', { name: 'I’m on it' })).toBeNull()
    first.unmount()
    openTicket(ticket({ status: 'resolved' }))
    const second = render(<TicketView ticketId={T} />)
    expect(screen.queryByRole('button', { name: 'I’m on it' })).toBeNull()
    second.unmount()
    // reopened after that firing: its escalation belongs to the ticket's previous life
    openTicket(ticket({ openSince: '2026-11-23T10:00:00.000Z' }))
    render(<TicketView ticketId={T} />)
    expect(screen.queryByRole('button', { name: 'I’m on it' })).toBeNull()
  })
})
