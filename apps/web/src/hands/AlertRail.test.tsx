import type { EscalationDto, EscalationNotification, SpaceSnapshot } from '@flare/protocol/client'
import { act, render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { AlertRail } from './AlertRail.js'
import { handEndedText } from './HandToolbar.js'

// a socket that records what is emitted and acknowledges as the server would
const emitted: Array<{ event: string; payload: unknown }> = []
vi.mock('../socket.js', () => ({
  request: async (event: string, payload: unknown) => {
    emitted.push({ event, payload })
    return { ok: true, response: { userId: 'eli', action: 'approach', at: '' } }
  },
}))

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString()

function hand(id: string, raiserName: string, startedAt: string): EscalationNotification {
  const escalation: EscalationDto = {
    id,
    raisedBy: `raiser-${id}`,
    message: `Help from ${raiserName}`,
    color: 'red',
    recipients: { userIds: ['eli'], groupIds: [] },
    startedAt,
    responses: [],
  }
  return { escalation, raiserName }
}

const snapshot = (escalations: EscalationDto[]): SpaceSnapshot => ({
  protocolVersion: 1,
  spaceId: 's',
  serverTime: new Date().toISOString(),
  you: 'eli',
  members: [],
  rooms: [],
  escalations,
})

function notify(...notifications: EscalationNotification[]) {
  act(() =>
    useFlare.setState({
      notifications,
      snapshot: snapshot(notifications.map((n) => n.escalation)),
    }),
  )
}

beforeEach(() => {
  emitted.length = 0
})

describe('AlertRail', () => {
  it('[3] says there is more below when its list of cards scrolls, the list mounting with the first alert', () => {
    const scroll = vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockReturnValue(1_000)
    const client = vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(300)
    try {
      act(() => useFlare.setState({ notifications: [], snapshot: snapshot([]) }))
      render(<AlertRail />)
      expect(screen.queryByRole('button', { name: /below/ })).toBeNull()
      notify(
        hand('a', 'Dana Reyes', minutesAgo(3)),
        hand('b', 'Fatima Khan', minutesAgo(2)),
        hand('c', 'Gus Okafor', minutesAgo(1)),
      )
      expect(screen.getByRole('button', { name: /below/ })).toBeTruthy()
    } finally {
      scroll.mockRestore()
      client.mockRestore()
    }
  })

  it('[3] announces a new alert without taking focus from the field being typed in', async () => {
    const user = userEvent.setup()
    render(
      <>
        <label>
          Reply
          <input />
        </label>
        <AlertRail />
      </>,
    )
    const field = screen.getByLabelText('Reply')
    await user.click(field)
    await user.type(field, 'Hello')
    notify(hand('a', 'Dana Reyes', minutesAgo(1)))
    expect(document.activeElement).toBe(field)
    expect(screen.getByTestId('alert-announcer').textContent).toBe(
      'Urgent hand from Dana Reyes. Press Alt+1 to respond.',
    )
    // typing an A into the field is a letter, not Approach
    await user.type(field, 'a')
    expect(emitted).toEqual([])
  })

  it('[3] Alt+1 reaches the newest card; its keys act; Escape dismisses and returns focus', async () => {
    const user = userEvent.setup()
    render(
      <>
        <button type="button">Where I was</button>
        <AlertRail />
      </>,
    )
    notify(hand('old', 'Gus Okafor', minutesAgo(5)), hand('new', 'Dana Reyes', minutesAgo(1)))
    await user.click(screen.getByRole('button', { name: 'Where I was' }))
    await user.keyboard('{Alt>}1{/Alt}')
    const newest = screen.getByRole('article', { name: 'Urgent hand: Dana Reyes needs help' })
    expect(document.activeElement).toBe(newest)
    // the shortcuts are written on the buttons and exposed to assistive technology
    expect(
      within(newest).getByRole('button', { name: 'Approach' }).getAttribute('aria-keyshortcuts'),
    ).toBe('A')
    await user.keyboard('a')
    expect(emitted).toEqual([
      { event: 'escalation:respond', payload: { escalationId: 'new', action: 'approach' } },
    ])
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('article', { name: /Dana Reyes/ })).toBeNull()
    // focus moves to the card now in its place; dismissing that one goes back where we were
    const older = screen.getByRole('article', { name: 'Urgent hand: Gus Okafor needs help' })
    expect(document.activeElement).toBe(older)
    await user.keyboard('{Escape}')
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Where I was' }))
  })

  it('[3] keeps three cards open, folds the rest, and folds a card once you responded', () => {
    render(<AlertRail />)
    const hands = ['a', 'b', 'c', 'd'].map((id, i) => hand(id, `Person ${id}`, minutesAgo(10 - i)))
    notify(...hands)
    const cards = screen.getAllByRole('article')
    // newest first
    expect(cards.map((c) => c.getAttribute('aria-labelledby'))).toEqual([
      'alert-d-title',
      'alert-c-title',
      'alert-b-title',
      'alert-a-title',
    ])
    expect(cards.map((c) => c.classList.contains('collapsed'))).toEqual([false, false, false, true])
    // Eli approached the newest: it folds, and the fourth opens in its place
    const [a, b, c, d] = hands.map((h) => h.escalation)
    if (!a || !b || !c || !d) throw new Error('hands')
    act(() =>
      useFlare.setState({
        snapshot: snapshot([
          a,
          b,
          c,
          { ...d, responses: [{ userId: 'eli', action: 'approach', at: minutesAgo(0) }] },
        ]),
      }),
    )
    const folded = screen.getByRole('article', { name: 'Urgent hand: Person d needs help' })
    expect(folded.classList.contains('collapsed')).toBe(true)
    expect(folded.textContent).toContain('You are approaching Person.')
    expect(
      screen
        .getByRole('article', { name: 'Urgent hand: Person a needs help' })
        .classList.contains('collapsed'),
    ).toBe(false)
  })

  it('[3][10.5] folded (a phone over a ticket or a chat), every card starts as its one line and opens on request', async () => {
    const user = userEvent.setup()
    render(<AlertRail folded />)
    notify(hand('a', 'Dana Reyes', minutesAgo(1)))
    const card = screen.getByRole('article', { name: 'Urgent hand: Dana Reyes needs help' })
    expect(card.classList.contains('collapsed')).toBe(true)
    expect(within(card).queryByRole('button', { name: 'Approach' })).toBeNull()
    await user.click(within(card).getByRole('button', { name: 'Show' }))
    expect(card.classList.contains('collapsed')).toBe(false)
    expect(within(card).getByRole('button', { name: 'Approach' })).toBeTruthy()
  })
})

describe('handEndedText', () => {
  it('[3] tells the raiser why and by whom their hand went down', () => {
    useFlare.setState({
      space: {
        status: 'ready',
        value: {
          space: { id: 's', name: 'C', mapWidth: 10, mapHeight: 10, timezone: 'UTC' },
          role: 'agent',
          rooms: [],
          groups: [],
          members: [
            { userId: 'max', displayName: 'Max Manager', role: 'manager', managerUserId: null },
          ],
        },
      },
    })
    const ended = {
      id: 'e',
      raisedBy: 'eli',
      endedAt: minutesAgo(0),
    }
    expect(handEndedText({ ...ended, reason: 'ended_by_manager', endedBy: 'max' }, null)).toBe(
      'Max Manager lowered your hand.',
    )
    expect(handEndedText({ ...ended, reason: 'lowered_all', endedBy: 'max' }, null)).toBe(
      'Max Manager lowered every hand, yours included.',
    )
    // the one who lowered them all reads it as their own doing
    expect(handEndedText({ ...ended, reason: 'lowered_all', endedBy: 'max' }, null, 'max')).toBe(
      'You lowered every hand, yours included.',
    )
    expect(handEndedText({ ...ended, reason: 'entered_room', endedBy: null }, 'Huddle Room')).toBe(
      'Your hand was lowered: you walked into Huddle Room.',
    )
    expect(handEndedText({ ...ended, reason: 'away', endedBy: null }, null)).toBe(
      'Your hand was lowered: you set yourself away.',
    )
  })
})
