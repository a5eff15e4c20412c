import type { SpaceResponse, TicketEscalatedEvent } from '@flare/protocol'
import { act, render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AlertRail } from '../hands/AlertRail.js'
import { useFlare } from '../store/index.js'
import { fakeSocket as fakeFlareSocket } from '../test/fake-socket.js'
import { ticketFixture } from '../test/ticket-fixture.js'
import { registerAutomationEvents } from './automation-socket.js'

const played = { count: 0 }
vi.mock('../hands/sound.js', () => ({ playAlert: () => (played.count += 1) }))

// a socket that records what is requested and acknowledges as the server would
const emitted: Array<{ event: string; payload: unknown }> = []
vi.mock('../socket.js', () => ({
  request: async (event: string, payload: { firingId: string }) => {
    emitted.push({ event, payload })
    return {
      ok: true,
      acknowledged: { firingId: payload.firingId, ticketId: T, userId: DANA, at: '' },
    }
  },
}))

const U = (n: number) => `0b6c7a52-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`
const SPACE = U(90)
const DANA = U(1)
const ELI = U(2)
const T = U(50)
const FIRING = U(40)

/** Server events, delivered to what `registerAutomationEvents` listens for, inside React's act. */
function fakeSocket() {
  const { socket, fire } = fakeFlareSocket()
  registerAutomationEvents(socket)
  return (event: string, payload: unknown) => act(() => fire(event, payload))
}

const escalated: TicketEscalatedEvent = {
  firingId: FIRING,
  ticket: {
    id: T,
    subject: 'Refund not received',
    customerName: 'Priya Shah',
    priority: 'urgent',
    inboxId: U(80),
    createdAt: new Date(Date.now() - 95 * 60_000).toISOString(),
  },
  ruleId: 'r1',
  ruleName: 'Urgent after 30 min',
  level: 2,
  reason: 'Waiting 30 business minutes for a reply',
  escalatedAt: new Date().toISOString(),
  targetUserIds: [DANA, ELI],
  chain: 'default',
}

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

beforeEach(() => {
  played.count = 0
  emitted.length = 0
  useFlare.setState({
    spaceId: SPACE,
    space: { status: 'ready', value: space },
    snapshot: {
      protocolVersion: 1,
      spaceId: SPACE,
      serverTime: new Date().toISOString(),
      you: DANA,
      members: [],
      rooms: [],
      escalations: [],
    },
  })
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('a ticket escalation in the alert rail', () => {
  it('[7] shows a red card with the ticket, customer, priority, age, reason and level, alerting once', () => {
    const fire = fakeSocket()
    render(<AlertRail />)
    fire('ticket:escalated', escalated)
    // a reconnect delivering the same firing again neither adds a card nor rings twice
    fire('ticket:escalated', escalated)
    const card = screen.getByRole('article', {
      name: 'Ticket escalation, level 2: Refund not received',
    })
    expect(card.textContent).toContain('Priya Shah')
    expect(card.textContent).toContain('Urgent')
    expect(card.textContent).toContain('open 1 hr 35 min')
    expect(card.textContent).toContain('Waiting 30 business minutes for a reply')
    // the shortcuts are on the buttons, for eyes and for screen readers
    expect(
      within(card).getByRole('button', { name: 'I’m on it' }).getAttribute('aria-keyshortcuts'),
    ).toBe('O')
    expect(screen.getAllByRole('article')).toHaveLength(1)
    expect(played.count).toBe(1)
    expect(useFlare.getState().announcement.text).toContain(
      'Ticket escalated to you, level 2, Urgent: Refund not received from Priya Shah',
    )
  })

  it('[7] stays silent for someone who turned the sound off', () => {
    useFlare.setState({
      me: {
        status: 'ready',
        value: {
          user: {
            id: DANA,
            email: 'dana@flare.test',
            displayName: 'Dana Reyes',
            phone: null,
            preferences: { emailNotifications: true, sound: false, push: false },
          },
          spaces: [],
        },
      },
    })
    const fire = fakeSocket()
    render(<AlertRail />)
    fire('ticket:escalated', { ...escalated, firingId: U(41) })
    expect(screen.getByRole('article')).toBeTruthy()
    expect(played.count).toBe(0)
  })

  it("[7] I'm on it tells the server, and the card says who took it", async () => {
    const fire = fakeSocket()
    const user = userEvent.setup()
    render(<AlertRail />)
    fire('ticket:escalated', { ...escalated, firingId: U(42) })
    await user.click(screen.getByRole('button', { name: 'I’m on it' }))
    expect(emitted).toEqual([
      { event: 'ticket:receipt', payload: { firingId: U(42) } },
      { event: 'ticket:acknowledge', payload: { firingId: U(42) } },
    ])
    expect(screen.getByTestId('ticket-alert-taken').textContent).toBe('You are on it.')
    expect(screen.queryByRole('button', { name: 'I’m on it' })).toBeNull()
  })

  it('[11.2.2] the one on it lets go from the card; everyone else sees the card free again', async () => {
    const calls: string[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        if (init?.method === 'POST') calls.push(url)
        return new Response(
          JSON.stringify({
            released: {
              firingId: U(66),
              ticketId: T,
              chain: 'default',
              userId: DANA,
              by: DANA,
              at: new Date().toISOString(),
            },
          }),
          { status: 200 },
        )
      }),
    )
    const fire = fakeSocket()
    const user = userEvent.setup()
    render(<AlertRail />)
    fire('ticket:escalated', { ...escalated, firingId: U(66) })
    await user.click(screen.getByRole('button', { name: 'I’m on it' }))
    expect(screen.getByTestId('ticket-alert-taken').textContent).toBe('You are on it.')
    await user.click(
      screen.getByRole('button', { name: 'Let go of Refund not received: the escalation goes on' }),
    )
    expect(calls).toEqual([`/api/spaces/${SPACE}/firings/${U(66)}/let-go`])
    expect(screen.queryByTestId('ticket-alert-taken')).toBeNull()
    expect(screen.getByRole('button', { name: 'I’m on it' })).toBeTruthy()
  })

  it('[11.2.4] snoozing is a choice of minutes, and the card says until when', async () => {
    const until = new Date(Date.now() + 30 * 60_000).toISOString()
    const bodies: unknown[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init?: RequestInit) => {
        if (init?.method === 'POST') bodies.push(JSON.parse(String(init.body)))
        return new Response(
          JSON.stringify({
            acknowledged: {
              firingId: U(67),
              ticketId: T,
              userId: DANA,
              at: new Date().toISOString(),
              chain: 'default',
              snoozedUntil: until,
              via: 'app',
            },
          }),
          { status: 200 },
        )
      }),
    )
    const fire = fakeSocket()
    const user = userEvent.setup()
    render(<AlertRail />)
    fire('ticket:escalated', { ...escalated, firingId: U(67) })
    await user.click(screen.getByRole('button', { name: 'I’m on it' }))
    await user.click(
      screen.getByRole('button', { name: 'Snooze the escalation of Refund not received' }),
    )
    await user.selectOptions(screen.getByLabelText('Quiet for'), '30')
    await user.click(screen.getByRole('button', { name: 'Snooze' }))
    expect(bodies).toEqual([{ minutes: 30 }])
    expect(screen.getByTestId('ticket-alert-taken').textContent).toMatch(
      /^You are on it\. Snoozed until /,
    )
  })

  it("[11.2.2] taking one level takes the chain: an earlier level's card says who took it", () => {
    const fire = fakeSocket()
    render(<AlertRail />)
    fire('ticket:escalated', { ...escalated, firingId: U(68), level: 1 })
    fire('ticket:acknowledged', {
      firingId: U(69),
      ticketId: T,
      userId: ELI,
      at: new Date().toISOString(),
      chain: 'default',
      snoozedUntil: null,
      via: 'email',
    })
    expect(screen.getByTestId('ticket-alert-taken').textContent).toBe('Eli Novak is on it.')
  })

  it('[7] shows every target who took it when someone else acknowledges', () => {
    const fire = fakeSocket()
    render(<AlertRail />)
    fire('ticket:escalated', { ...escalated, firingId: U(43) })
    fire('ticket:acknowledged', { firingId: U(43), ticketId: T, userId: ELI, at: '' })
    expect(screen.getByTestId('ticket-alert-taken').textContent).toBe('Eli Novak is on it.')
    expect(useFlare.getState().announcement.text).toBe('Eli Novak is on Refund not received')
  })

  it('[7] Open ticket brings the inbox forward with the ticket open', async () => {
    const requested: string[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        requested.push(url)
        return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no' } }), {
          status: 404,
        })
      }),
    )
    const fire = fakeSocket()
    const user = userEvent.setup()
    render(<AlertRail />)
    fire('ticket:escalated', { ...escalated, firingId: U(44) })
    const card = screen.getByRole('article')
    await user.click(within(card).getByRole('button', { name: 'Open ticket' }))
    expect(useFlare.getState().sidePanelTab).toBe('inbox')
    expect(useFlare.getState().selectedTicketId).toBe(T)
    expect(requested).toContain(`/api/spaces/${SPACE}/tickets/${T}`)
    expect(window.location.pathname).toBe(`/spaces/${SPACE}`)
    // the card has done its job and would cover the ticket
    expect(screen.queryByRole('article')).toBeNull()
  })

  it('[7.2.1.1] sends the delivery receipt once the card shows', () => {
    const fire = fakeSocket()
    render(<AlertRail />)
    fire('ticket:escalated', { ...escalated, firingId: U(61) })
    expect(screen.getByRole('article')).toBeTruthy()
    expect(emitted).toEqual([{ event: 'ticket:receipt', payload: { firingId: U(61) } }])
  })

  it('[7.2.1.1][9.4.2] a snapshot brings the alerts no client has shown: each alerts once, a taken one quietly', () => {
    const fire = fakeSocket()
    render(<AlertRail />)
    const waiting = { ...escalated, firingId: U(62) }
    const taken = {
      ...escalated,
      firingId: U(63),
      ticket: { ...escalated.ticket, subject: 'Late' },
    }
    const snapshot = {
      ...useFlare.getState().snapshot,
      ticketAlerts: [
        { event: waiting, acknowledged: null },
        { event: taken, acknowledged: { firingId: U(63), ticketId: T, userId: ELI, at: '' } },
      ],
    }
    fire('space:snapshot', snapshot)
    expect(screen.getAllByRole('article')).toHaveLength(2)
    expect(screen.getByTestId('ticket-alert-taken').textContent).toBe('Eli Novak is on it.')
    expect(played.count).toBe(1)
    expect(emitted.map((e) => e.payload)).toEqual([{ firingId: U(62) }, { firingId: U(63) }])
    // the same alert live after the snapshot (a reconnect racing the firing): no second sound
    fire('ticket:escalated', waiting)
    expect(screen.getAllByRole('article')).toHaveLength(2)
    expect(played.count).toBe(1)
  })

  it('[7.2.1.1.1] a card shown before comes back from a snapshot (a reload) without its sound or a second receipt', () => {
    const fire = fakeSocket()
    render(<AlertRail />)
    const shown = { ...escalated, firingId: U(64) }
    fire('space:snapshot', {
      ...useFlare.getState().snapshot,
      ticketAlerts: [{ event: shown, acknowledged: null, received: true }],
    })
    expect(screen.getByRole('article').textContent).toContain('Refund not received')
    expect(played.count).toBe(0)
    expect(emitted).toEqual([])
  })

  it('[7.2.1.1.1] a card put away in this page stays away when a reconnect brings it back', async () => {
    const fire = fakeSocket()
    const user = userEvent.setup()
    render(<AlertRail />)
    const event = { ...escalated, firingId: U(65) }
    fire('ticket:escalated', event)
    await user.click(
      screen.getByRole('button', { name: 'Dismiss the ticket escalation of Refund not received' }),
    )
    fire('space:snapshot', {
      ...useFlare.getState().snapshot,
      ticketAlerts: [{ event, acknowledged: null, received: true }],
    })
    expect(screen.queryByRole('article')).toBeNull()
    expect(played.count).toBe(1)
  })

  it('[7.2.1.1.1] a card says when the customer has been answered, and folds: nothing more to do', () => {
    const fire = fakeSocket()
    render(<AlertRail />)
    const id = U(67)
    const waiting = ticketFixture({
      id,
      waitingSince: new Date(Date.now() - 30 * 60_000).toISOString(),
    })
    act(() => useFlare.setState((s) => ({ tickets: { ...s.tickets, [id]: waiting } })))
    fire('ticket:escalated', { ...escalated, firingId: U(66), ticket: { ...escalated.ticket, id } })
    expect(screen.getByRole('button', { name: /I’m on it/ })).toBeTruthy()
    expect(screen.queryByTestId('ticket-alert-taken')).toBeNull()

    // a colleague replies (\`ticket:updated\`): the wait it was about is over
    act(() =>
      useFlare.setState((s) => ({
        tickets: { ...s.tickets, [id]: { ...waiting, waitingSince: null } },
      })),
    )
    expect(screen.getByTestId('ticket-alert-taken').textContent).toBe(
      'The customer has been answered.',
    )
    expect(screen.queryByRole('button', { name: /I’m on it/ })).toBeNull()
    expect(screen.getByRole('button', { name: /Open ticket/ })).toBeTruthy()

    // put on hold instead, it says so
    act(() =>
      useFlare.setState((s) => ({
        tickets: { ...s.tickets, [id]: { ...waiting, status: 'on_hold', waitingSince: null } },
      })),
    )
    expect(screen.getByTestId('ticket-alert-taken').textContent).toBe('The ticket is on hold.')
  })

  it('dismisses a card', async () => {
    const fire = fakeSocket()
    const user = userEvent.setup()
    render(<AlertRail />)
    fire('ticket:escalated', { ...escalated, firingId: U(45) })
    await user.click(
      screen.getByRole('button', { name: 'Dismiss the ticket escalation of Refund not received' }),
    )
    expect(screen.queryByRole('article')).toBeNull()
  })

  it('[11.1.7] a customer asking for a person flares up red, naming the trigger, the words and the conversation', () => {
    const fire = fakeSocket()
    render(<AlertRail />)
    fire('ticket:escalated', {
      ...escalated,
      firingId: U(46),
      level: 1,
      reason:
        'Keyword trigger: the customer wrote "talk to a human" (rule "Instant trigger (inbox default)")',
      trigger: { kind: 'keyword', words: ['talk to a human'] },
      transcriptTurns: 12,
      transcript: [
        { from: 'bot', text: 'Sorry, I did not get that.', outcome: 'fallback', at: '' },
        { from: 'customer', text: 'I want to talk to a human now', at: '' },
      ],
    })
    const card = screen.getByRole('article', {
      name: 'Customer asks for a person, level 1: Refund not received',
    })
    // red, like an urgent hand, and not only by colour: the title and the trigger say why
    expect(card.className).toContain('alert-urgent')
    expect(screen.getByTestId('alert-trigger').textContent).toBe(
      'Keyword trigger: “talk to a human”',
    )
    const conversation = within(card).getByRole('list', { name: 'Conversation with Priya Shah' })
    expect(conversation.closest('details')?.open).toBe(true)
    expect(card.textContent).toContain('The conversation: last 2 of 12 turns')
    expect(
      within(conversation)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'Bot:fell backSorry, I did not get that.',
      'Priya Shah:I want to talk to a human now',
    ])
    expect(useFlare.getState().announcement.text).toContain(
      'Customer asks for a person, escalated to you at once, level 1',
    )
  })

  it('[7] a timed escalation stays amber', () => {
    const fire = fakeSocket()
    render(<AlertRail />)
    fire('ticket:escalated', { ...escalated, firingId: U(47) })
    expect(screen.getByRole('article').className).toContain('alert-ticket')
    expect(screen.queryByTestId('alert-trigger')).toBeNull()
  })
})
