import type { EscalationHistoryEntryDto, FloorPlan, TicketDto } from '@flare/protocol/client'
import { render, screen } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { resetStore, useFlare } from '../store/index.js'
import { ticketFixture } from '../test/ticket-fixture.js'
import { EscalatedTicketsChip, escalatedTickets, TicketFlares } from './TicketFlares.js'

const SPACE = '0b6c7a52-0000-4000-8000-000000000001'
const DANA = '0b6c7a52-0000-4000-8000-0000000000d1'
const GUS = '0b6c7a52-0000-4000-8000-0000000000d4'
const SUPERVISORS = '0b6c7a52-0000-4000-8000-0000000000f1'

function firing(escalatedTo: string, level: number, at: string): EscalationHistoryEntryDto {
  return { escalatedAt: at, ruleId: 'r1', ruleName: 'Waiting', escalatedTo, level }
}

function ticket(id: string, subject: string, fields: Partial<TicketDto>): TicketDto {
  return ticketFixture({
    id,
    spaceId: SPACE,
    inboxId: 'inbox',
    subject,
    customer: { name: null, email: null, phone: '+15550111' },
    ...fields,
  })
}

const plan: FloorPlan = {
  zones: [
    { kind: 'team', label: 'Supervisors', x: 100, y: 100, width: 352, height: 260, desks: [] },
  ],
  seats: {},
}

beforeEach(() => {
  resetStore()
  const tickets = [
    // escalated to Dana, who is here: a flare on her avatar
    ticket('t1', 'Card declined', {
      escalationLevel: 2,
      escalationHistory: [
        firing(GUS, 1, '2026-11-23T10:05:00.000Z'),
        firing(DANA, 2, '2026-11-23T10:15:00.000Z'),
      ],
    }),
    // to a team: a tag on the team's area
    ticket('t2', 'Refund overdue', {
      escalationLevel: 1,
      escalationHistory: [firing(SUPERVISORS, 1, '2026-11-23T10:10:00.000Z')],
    }),
    // to an address: on no map, but counted
    ticket('t3', 'Night shift', {
      escalationLevel: 1,
      escalationHistory: [firing('oncall@example.com', 1, '2026-11-23T10:12:00.000Z')],
    }),
    // answered since (the level went back to 0), and resolved: no flare
    ticket('t4', 'Answered', {
      escalationHistory: [firing(DANA, 1, '2026-11-23T09:00:00.000Z')],
    }),
    ticket('t5', 'Resolved', {
      status: 'resolved',
      escalationLevel: 1,
      escalationHistory: [firing(DANA, 1, '2026-11-23T09:00:00.000Z')],
    }),
  ]
  useFlare.setState({
    tickets: Object.fromEntries(tickets.map((t) => [t.id, t])),
    space: {
      status: 'ready',
      value: {
        space: { id: SPACE, name: 'CC', mapWidth: 1600, mapHeight: 1000, timezone: 'UTC' },
        role: 'agent',
        rooms: [],
        groups: [{ id: SUPERVISORS, name: 'Supervisors', handle: 'supervisors', memberIds: [] }],
        members: [],
      },
    },
    snapshot: {
      protocolVersion: 1,
      spaceId: SPACE,
      serverTime: '2026-11-23T10:20:00.000Z',
      you: GUS,
      rooms: [],
      escalations: [],
      members: [DANA, GUS].map((userId, i) => ({
        userId,
        displayName: i === 0 ? 'Dana Reyes' : 'Gus Okafor',
        role: 'agent' as const,
        x: 300 + i * 108,
        y: 400,
        status: 'available' as const,
        roomId: null,
        connected: true,
      })),
    },
  })
})

describe('ticket escalations on the map', () => {
  it('[6.6] are the open, unanswered escalated tickets, the latest firing first', () => {
    const escalated = escalatedTickets(useFlare.getState().tickets)
    expect(escalated.map((e) => e.ticket.subject)).toEqual([
      'Card declined',
      'Night shift',
      'Refund overdue',
    ])
    expect(escalated[0]?.latest.escalatedTo).toBe(DANA)
  })

  it('[6.6] flare on the person the latest firing went to, on a team it went to, for everyone', () => {
    render(
      <>
        <TicketFlares view={{ x: 0, y: 0, width: 1600, height: 1000 }} plan={plan} />
        <EscalatedTicketsChip />
      </>,
    )
    // Gus (the viewer) is no target: he still sees where it went
    expect(
      screen.getByRole('button', {
        name: 'Ticket escalation, level 2, to Dana Reyes: Card declined. Open the ticket.',
      }),
    ).toBeTruthy()
    expect(document.querySelector(`.ticket-flare[data-user-id="${GUS}"]`)).toBeNull()
    expect(
      screen.getByRole('button', {
        name: 'Ticket escalation, level 1, to Supervisors: Refund overdue. Open the ticket.',
      }),
    ).toBeTruthy()
    // every escalated ticket counts, the one sent to an address too
    expect(screen.getByRole('button', { name: '3 tickets escalated' })).toBeTruthy()
  })

  it('[6.6] a flare over many tickets is named by the newest few and how many more', () => {
    const many = Array.from({ length: 6 }, (_, i) =>
      ticket(`m${i}`, `Order ${i}`, {
        escalationLevel: 1,
        escalationHistory: [firing(DANA, 1, `2026-11-23T09:0${i}:00.000Z`)],
      }),
    )
    useFlare.setState({ tickets: Object.fromEntries(many.map((t) => [t.id, t])) })
    render(<TicketFlares view={{ x: 0, y: 0, width: 1600, height: 1000 }} plan={plan} />)
    expect(
      screen.getByRole('button', {
        name: '6 ticket escalations to Dana Reyes: Order 5 (level 1), Order 4 (level 1), Order 3 (level 1), and 3 more. Open the newest.',
      }),
    ).toBeTruthy()
  })

  it('[11.2.2] say on the map who is on a ticket, and stop pulsing', () => {
    const t1 = useFlare.getState().tickets.t1!
    useFlare.setState({
      tickets: {
        ...useFlare.getState().tickets,
        t1: {
          ...t1,
          acknowledgements: [
            {
              chain: 'default',
              firingId: '0b6c7a52-0000-4000-8000-0000000000e9',
              level: 2,
              userId: DANA,
              acknowledgedAt: '2026-11-23T10:16:00.000Z',
              via: 'sms',
              snoozedUntil: null,
              endedAt: null,
              endReason: null,
            },
          ],
        },
      },
    })
    render(<TicketFlares view={{ x: 0, y: 0, width: 1600, height: 1000 }} plan={plan} />)
    expect(
      screen.getByRole('button', {
        name: 'Ticket escalation, level 2, to Dana Reyes: Card declined. Dana Reyes is on it. Open the ticket.',
      }),
    ).toBeTruthy()
    expect(document.querySelector(`.ticket-flare[data-user-id="${DANA}"]`)?.className).toContain(
      'taken',
    )
  })

  it('[6.6] draw nothing while no ticket is escalated', () => {
    useFlare.setState({ tickets: {} })
    render(
      <>
        <TicketFlares view={{ x: 0, y: 0, width: 1600, height: 1000 }} plan={plan} />
        <EscalatedTicketsChip />
      </>,
    )
    expect(screen.queryAllByRole('button')).toEqual([])
  })
})
