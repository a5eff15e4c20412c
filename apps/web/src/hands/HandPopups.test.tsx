import type { EscalationDto, MemberPresence, SpaceSnapshot } from '@flare/protocol/client'
import { act, render } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { HandPopups } from './HandPopups.js'

vi.mock('../socket.js', () => ({ request: async () => ({ ok: true }) }))

const person = (userId: string, displayName: string, x: number): MemberPresence => ({
  userId,
  displayName,
  role: 'agent',
  x,
  y: 300,
  status: 'available',
  roomId: null,
  connected: true,
})

function showHand(responders: string[]) {
  const escalation: EscalationDto = {
    id: 'h1',
    raisedBy: 'dana',
    message: 'Refund over the limit',
    color: 'red',
    recipients: { userIds: responders, groupIds: [] },
    startedAt: new Date().toISOString(),
    responses: responders.map((userId, i) => ({
      userId,
      action: i === 1 ? 'chat' : 'approach',
      at: new Date().toISOString(),
    })),
  }
  const snapshot: SpaceSnapshot = {
    protocolVersion: 1,
    spaceId: 's',
    serverTime: new Date().toISOString(),
    you: 'max',
    members: [
      person('dana', 'Dana Reyes', 300),
      person('eli', 'Eli Novak', 400),
      person('fatima', 'Fatima Khan', 500),
      person('gus', 'Gus Okafor', 600),
      person('max', 'Max Manager', 900),
    ],
    rooms: [],
    escalations: [escalation],
  }
  act(() => useFlare.setState({ snapshot }))
}

describe('HandPopups', () => {
  it('[3.5] one responder in words; several as a count on one line, every name kept for hover and focus', () => {
    const view = { x: 0, y: 0, width: 1200, height: 800 }
    const { container, rerender } = render(<HandPopups view={view} />)
    showHand(['eli'])
    rerender(<HandPopups view={view} />)
    const line = () => container.querySelector('.popup-responding')
    expect(line()?.textContent).toBe('Eli is approaching')
    expect(container.querySelector('.popup-responding-all')).toBeNull()

    showHand(['eli', 'fatima', 'gus'])
    rerender(<HandPopups view={view} />)
    expect(container.querySelector('.popup-responding-short')?.textContent).toBe(
      '3 people responding',
    )
    expect(container.querySelector('.popup-responding-all')?.textContent).toBe(
      'Eli is approaching, Fatima is chatting, and Gus is approaching',
    )
  })
})
