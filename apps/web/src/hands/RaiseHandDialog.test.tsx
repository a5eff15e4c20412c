import type { SpaceSnapshot } from '@flare/protocol'
import { act, render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { demoSpace, U } from '../test/demo-space.js'
import { RaiseHandDialog } from './RaiseHandDialog.js'

// a socket that records what is requested and acknowledges like the server would
const emitted: Array<{ event: string; payload: unknown }> = []
vi.mock('../socket.js', () => ({
  request: async (event: string, payload: unknown) => {
    emitted.push({ event, payload })
    return { ok: true, escalation: { id: 'e1' } }
  },
}))

const space = demoSpace
const snapshot: SpaceSnapshot = {
  protocolVersion: 1,
  spaceId: U(9),
  serverTime: '2026-11-23T10:00:00.000Z',
  you: U(1),
  members: [],
  rooms: [],
  escalations: [],
}

beforeEach(() => {
  emitted.length = 0
  vi.stubGlobal(
    'fetch',
    vi.fn(
      async () =>
        new Response(JSON.stringify({ messages: ['Caller on hold', 'Need a supervisor'] }), {
          status: 200,
        }),
    ),
  )
  useFlare.setState({
    space: { status: 'ready', value: space },
    snapshot,
    escalationDialogOpen: true,
  })
})
afterEach(() => {
  vi.unstubAllGlobals()
})

function execute() {
  return screen.getByRole('button', { name: 'Execute' }) as HTMLButtonElement
}

describe('RaiseHandDialog', () => {
  it('[3] counts characters as people see them, and explains why 51 cannot be sent', async () => {
    const user = userEvent.setup()
    render(<RaiseHandDialog />)
    const input = screen.getByLabelText('Message (optional)')
    await user.type(input, '👍🏽👍🏽')
    expect(screen.getByText('2/50')).toBeTruthy()
    await user.clear(input)
    await user.type(input, 'x'.repeat(51))
    expect(screen.getByText('51/50')).toBeTruthy()
    // under the field, and read with it
    const said = input.getAttribute('aria-describedby') ?? ''
    expect(document.getElementById(said)?.textContent).toContain(
      '1 too many: shorten it to raise your hand',
    )
    expect(execute().disabled).toBe(true)
    expect(screen.getByText('The message is 51 characters; at most 50 fit.')).toBeTruthy()
    // nothing was cut
    expect((input as HTMLInputElement).value).toHaveLength(51)
  })

  it('[3] offers the recent messages on focus and reuses one', async () => {
    const user = userEvent.setup()
    render(<RaiseHandDialog />)
    const input = screen.getByLabelText('Message (optional)')
    await act(async () => {
      input.blur()
      input.focus()
    })
    const recent = await screen.findByRole('list', { name: 'Recent messages' })
    await user.click(within(recent).getByRole('button', { name: 'Need a supervisor' }))
    expect((input as HTMLInputElement).value).toBe('Need a supervisor')
  })

  it('[3] a yellow escalation executes with no recipients', async () => {
    const user = userEvent.setup()
    render(<RaiseHandDialog />)
    await user.type(screen.getByLabelText('Message (optional)'), 'Refund question')
    await user.click(execute())
    expect(emitted).toEqual([
      {
        event: 'escalation:raise',
        payload: {
          message: 'Refund question',
          notify: false,
          recipients: { userIds: [], groupIds: [] },
        },
      },
    ])
    expect(useFlare.getState().escalationDialogOpen).toBe(false)
  })

  it('[3] red needs a recipient: the dialog says so instead of failing on submit', async () => {
    const user = userEvent.setup()
    render(<RaiseHandDialog />)
    await user.click(screen.getByRole('switch', { name: 'Notify users in the space' }))
    expect(execute().disabled).toBe(true)
    expect(screen.getByText('Choose at least one person or group to notify.')).toBeTruthy()
  })

  it('[3] the picker searches users and groups with @, adds with Enter, removes with Backspace', async () => {
    const user = userEvent.setup()
    render(<RaiseHandDialog />)
    await user.click(screen.getByRole('switch', { name: 'Notify users in the space' }))
    const picker = screen.getByRole('combobox', { name: 'Add people or groups to notify' })
    await user.type(picker, '@tie')
    const options = screen.getAllByRole('option')
    expect(options.map((o) => o.textContent)).toEqual(['@tier1 Tier 1 support · 2 people'])
    await user.keyboard('{Enter}')
    expect(screen.getByRole('button', { name: 'Remove @tier1' })).toBeTruthy()

    // yourself is never offered
    await user.type(picker, 'dana')
    expect(screen.queryAllByRole('option')).toHaveLength(0)
    await user.clear(picker)
    await user.type(picker, 'm')
    await user.keyboard('{ArrowDown}{ArrowUp}{Enter}')
    expect(screen.getByRole('button', { name: 'Remove Max Manager' })).toBeTruthy()

    await user.clear(picker)
    await user.keyboard('{Backspace}')
    expect(screen.queryByRole('button', { name: 'Remove Max Manager' })).toBeNull()
    expect(screen.getByRole('button', { name: 'Remove @tier1' })).toBeTruthy()

    await user.click(execute())
    expect(emitted[0]).toEqual({
      event: 'escalation:raise',
      payload: { message: '', notify: true, recipients: { userIds: [], groupIds: [U(7)] } },
    })
  })

  it('[3] the picker says when nobody matches, and ArrowDown in the empty field lists everyone', async () => {
    const user = userEvent.setup()
    render(<RaiseHandDialog />)
    await user.click(screen.getByRole('switch', { name: 'Notify users in the space' }))
    const picker = screen.getByRole('combobox', { name: 'Add people or groups to notify' })
    await user.type(picker, 'zorro')
    expect(screen.queryAllByRole('option')).toHaveLength(0)
    expect(screen.getByRole('status').textContent).toBe('No one you can notify matches “zorro”.')
    await user.clear(picker)
    expect(screen.queryAllByRole('option')).toHaveLength(0)
    await user.keyboard('{ArrowDown}')
    expect(picker.getAttribute('aria-expanded')).toBe('true')
    expect(screen.getAllByRole('option').length).toBeGreaterThan(1)
    await user.keyboard('{Enter}')
    expect(screen.getAllByRole('button', { name: /^Remove / })).toHaveLength(1)
  })

  it('closes on Escape', async () => {
    const user = userEvent.setup()
    render(<RaiseHandDialog />)
    await user.keyboard('{Escape}')
    expect(useFlare.getState().escalationDialogOpen).toBe(false)
  })
})
