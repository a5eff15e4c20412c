import type { EscalationDto, SpaceSnapshot } from '@flare/protocol/client'
import { act, render, screen } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { demoSpace, U } from '../test/demo-space.js'
import { HandsPanel } from './HandsPanel.js'

// a socket that records what is requested and acknowledges as the server would
const emitted: string[] = []
vi.mock('../socket.js', () => ({
  request: async (event: string) => {
    emitted.push(event)
    return { ok: true, ended: 2 }
  },
}))

const hand = (id: string, color: 'red' | 'yellow'): EscalationDto => ({
  id,
  raisedBy: U(id === 'a' ? 2 : 3),
  message: `Hand ${id}`,
  color,
  recipients: { userIds: [], groupIds: [] },
  startedAt: new Date().toISOString(),
  responses: [],
})

const snapshot: SpaceSnapshot = {
  protocolVersion: 1,
  spaceId: U(9),
  serverTime: new Date().toISOString(),
  you: U(1),
  members: [],
  rooms: [],
  escalations: [hand('a', 'red'), hand('b', 'yellow')],
}

function show(role: 'manager' | 'agent') {
  act(() =>
    useFlare.setState({ space: { status: 'ready', value: { ...demoSpace, role } }, snapshot }),
  )
  render(<HandsPanel />)
}

beforeEach(() => {
  emitted.length = 0
})

describe('HandsPanel', () => {
  it('[3.10] "Lower all" asks first, naming how many, and lowers nothing until answered', async () => {
    const user = userEvent.setup()
    show('manager')
    await user.click(screen.getByRole('button', { name: 'Lower all' }))
    const question = screen.getByRole('group', { name: 'Lower every hand?' })
    expect(question.textContent).toContain('Lower 2 hands for everyone?')
    expect(emitted).toEqual([])
    // the safe answer has the focus: Enter pressed again keeps every hand up
    expect(document.activeElement?.textContent).toBe('Cancel')
    await user.keyboard('{Enter}')
    expect(screen.queryByRole('group', { name: 'Lower every hand?' })).toBeNull()
    expect(emitted).toEqual([])
    await user.click(screen.getByRole('button', { name: 'Lower all' }))
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('group', { name: 'Lower every hand?' })).toBeNull()
    expect(emitted).toEqual([])

    await user.click(screen.getByRole('button', { name: 'Lower all' }))
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(emitted).toEqual([])

    await user.click(screen.getByRole('button', { name: 'Lower all' }))
    await user.click(screen.getByRole('button', { name: 'Lower 2 hands' }))
    expect(emitted).toEqual(['escalation:lower-all'])
  })

  it('[3.10] an agent has no "Lower all"', () => {
    show('agent')
    expect(screen.queryByRole('button', { name: 'Lower all' })).toBeNull()
  })
})
