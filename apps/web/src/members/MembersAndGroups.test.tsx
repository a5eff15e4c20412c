import type { GroupDto, SpaceMemberDto, SpaceResponse } from '@flare/protocol/client'
import { render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { fakeServer } from '../test/fake-server.js'
import { GroupsPanel } from './GroupsPanel.js'
import { MembersPanel } from './MembersPanel.js'

const U = (n: number) => `0b6c7a52-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`
const SPACE = U(90)
const BASE = `/api/spaces/${SPACE}`

function member(n: number, displayName: string, role: SpaceMemberDto['role']): SpaceMemberDto {
  return { userId: U(n), displayName, role, managerUserId: null, pictureUrl: null }
}
const ada = member(1, 'Ada Admin', 'admin')
const dana = member(2, 'Dana Reyes', 'agent')
const eli = member(3, 'Eli Novak', 'agent')
const tier1: GroupDto = { id: U(60), name: 'Tier 1 support', handle: 'tier1', memberIds: [U(2)] }

const spaceResponse: SpaceResponse = {
  space: { id: SPACE, name: 'Contact Center', mapWidth: 800, mapHeight: 600, timezone: 'UTC' },
  role: 'admin',
  rooms: [],
  groups: [tier1],
  members: [ada, dana, eli],
}

/** The panels as the settings page wires them: members and groups come from the store. */
function Connected() {
  const space = useFlare((s) => s.space)
  if (space.status !== 'ready') return null
  return (
    <>
      <MembersPanel members={space.value.members} myUserId={ada.userId} />
      <GroupsPanel groups={space.value.groups} members={space.value.members} />
    </>
  )
}

function stored(): SpaceResponse {
  const space = useFlare.getState().space
  if (space.status !== 'ready') throw new Error('no space')
  return space.value
}

beforeEach(() => {
  useFlare.setState({ spaceId: SPACE, space: { status: 'ready', value: spaceResponse } })
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('Members', () => {
  it('[1.5.5] adds an existing account by email with the chosen role, and lists it at once', async () => {
    const hana = member(4, 'Hana Ito', 'manager')
    const calls = fakeServer({
      [`POST ${BASE}/members`]: () => ({ status: 201, body: { member: hana } }),
    })
    const user = userEvent.setup()
    render(<Connected />)
    const form = screen.getByRole('form', { name: 'Add a member' })
    await user.type(within(form).getByLabelText('Email'), 'hana@flare.test')
    await user.selectOptions(within(form).getByLabelText('Role'), 'manager')
    await user.click(within(form).getByRole('button', { name: 'Add member' }))
    expect(calls).toEqual([
      {
        method: 'POST',
        url: `${BASE}/members`,
        body: { email: 'hana@flare.test', role: 'manager' },
      },
    ])
    expect(await screen.findByRole('status')).toHaveProperty(
      'textContent',
      expect.stringContaining('hana@flare.test is now a member'),
    )
    const list = screen.getByRole('list', { name: 'Members' })
    expect(within(list).getByText('Hana Ito')).toBeTruthy()
    expect(within(list).getByLabelText('Role of Hana Ito')).toHaveProperty('value', 'manager')
    expect(within(form).getByLabelText('Email')).toHaveProperty('value', '')
  })

  it("[1.5.5] shows the server's refusal on the email field, and sends nothing for a non-address", async () => {
    const calls = fakeServer({
      [`POST ${BASE}/members`]: () => ({
        status: 404,
        body: {
          error: {
            code: 'NOT_FOUND',
            message: 'No Flare account you can add has that email.',
            field: 'email',
          },
        },
      }),
    })
    const user = userEvent.setup()
    render(<Connected />)
    const form = screen.getByRole('form', { name: 'Add a member' })
    const email = within(form).getByLabelText('Email')
    await user.type(email, 'not an address')
    await user.click(within(form).getByRole('button', { name: 'Add member' }))
    expect(within(form).getByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringContaining('Enter an email address.'),
    )
    expect(calls).toEqual([])

    await user.clear(email)
    await user.type(email, 'nobody@flare.test')
    await user.click(within(form).getByRole('button', { name: 'Add member' }))
    expect(await within(form).findByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringMatching(/No Flare account/),
    )
    expect(email.getAttribute('aria-invalid')).toBe('true')
    expect(stored().members).toHaveLength(3)
  })

  it('[1.5.5] changes a role from its select; a refusal is shown on the row and the role stays', async () => {
    const calls = fakeServer({
      [`PATCH ${BASE}/members/${dana.userId}`]: () => ({
        status: 200,
        body: { member: { ...dana, role: 'manager' } },
      }),
      [`PATCH ${BASE}/members/${ada.userId}`]: () => ({
        status: 409,
        body: {
          error: {
            code: 'CONFLICT',
            message: 'A space keeps at least one admin: make someone else an admin first.',
          },
        },
      }),
    })
    const user = userEvent.setup()
    render(<Connected />)
    await user.selectOptions(screen.getByLabelText('Role of Dana Reyes'), 'manager')
    expect(calls[0]).toMatchObject({ method: 'PATCH', body: { role: 'manager' } })
    expect(stored().members.find((m) => m.userId === dana.userId)?.role).toBe('manager')

    await user.selectOptions(screen.getByLabelText('Role of Ada Admin'), 'agent')
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringMatching(/at least one admin/),
    )
    expect(screen.getByLabelText('Role of Ada Admin')).toHaveProperty('value', 'admin')
    expect(stored().role).toBe('admin')
  })

  it('[1.5.5] removes a member after confirming, from the list and from their groups', async () => {
    const calls = fakeServer({
      [`DELETE ${BASE}/members/${dana.userId}`]: () => ({ status: 204 }),
    })
    const user = userEvent.setup()
    render(<Connected />)
    await user.click(screen.getByRole('button', { name: 'Remove Dana Reyes…' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Remove Dana Reyes from the space?' })
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
    await user.click(within(dialog).getByRole('button', { name: 'Remove member' }))
    expect(calls).toHaveLength(1)
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(screen.queryByLabelText('Role of Dana Reyes')).toBeNull()
    expect(stored().groups[0]?.memberIds).toEqual([])
  })
})

describe('Groups', () => {
  it('[1.5.5] lists each group with its handle and member count; an empty space says so', () => {
    fakeServer({})
    const { unmount } = render(<Connected />)
    expect(screen.getByText('@tier1')).toBeTruthy()
    expect(screen.getByText(/1 member$/)).toBeTruthy()
    unmount()
    useFlare.setState({ space: { status: 'ready', value: { ...spaceResponse, groups: [] } } })
    render(<Connected />)
    expect(screen.getByText(/No groups yet/)).toBeTruthy()
  })

  it('[1.5.5] creates a group with chosen members; a malformed handle is refused before sending', async () => {
    const created: GroupDto = {
      id: U(61),
      name: 'Night shift',
      handle: 'night-shift',
      memberIds: [eli.userId],
    }
    const calls = fakeServer({
      [`POST ${BASE}/groups`]: () => ({ status: 201, body: { group: created } }),
    })
    const user = userEvent.setup()
    render(<Connected />)
    await user.click(screen.getByRole('button', { name: 'Add group' }))
    const form = screen.getByRole('form', { name: 'New group' })
    await user.type(within(form).getByLabelText('Name'), 'Night shift')
    await user.type(within(form).getByLabelText('Handle'), 'Night Shift')
    await user.click(within(form).getByRole('checkbox', { name: 'Eli Novak' }))
    await user.click(within(form).getByRole('button', { name: 'Add group' }))
    expect(calls).toEqual([])
    expect(within(form).getByLabelText('Handle').getAttribute('aria-invalid')).toBe('true')
    expect(within(form).getByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringMatching(/lower-case letters/),
    )

    await user.clear(within(form).getByLabelText('Handle'))
    await user.type(within(form).getByLabelText('Handle'), 'night-shift')
    await user.click(within(form).getByRole('button', { name: 'Add group' }))
    expect(calls).toEqual([
      {
        method: 'POST',
        url: `${BASE}/groups`,
        body: { name: 'Night shift', handle: 'night-shift', memberIds: [eli.userId] },
      },
    ])
    expect(screen.queryByRole('form', { name: 'New group' })).toBeNull()
    expect(screen.getByText('@night-shift')).toBeTruthy()
    expect(stored().groups.map((g) => g.handle)).toEqual(['night-shift', 'tier1'])
  })

  it('[1.5.5] edits a group: a taken handle shows on the field; members are replaced on save', async () => {
    let answer: { status: number; body: unknown } = {
      status: 409,
      body: {
        error: {
          code: 'CONFLICT',
          message: 'Another group of this space has that handle.',
          field: 'handle',
        },
      },
    }
    const calls = fakeServer({ [`PATCH ${BASE}/groups/${tier1.id}`]: () => answer })
    const user = userEvent.setup()
    render(<Connected />)
    await user.click(screen.getByText('Tier 1 support'))
    const form = screen.getByRole('form', { name: 'Group Tier 1 support' })
    const handle = within(form).getByLabelText('Handle')
    await user.clear(handle)
    await user.type(handle, 'supervisors')
    await user.click(within(form).getByRole('button', { name: 'Save group' }))
    expect(await within(form).findByRole('alert')).toHaveProperty(
      'textContent',
      'Another group of this space has that handle.',
    )
    expect(handle.getAttribute('aria-invalid')).toBe('true')

    answer = {
      status: 200,
      body: { group: { ...tier1, memberIds: [dana.userId, eli.userId], handle: 'tier-1' } },
    }
    await user.clear(handle)
    await user.type(handle, 'tier-1')
    await user.click(within(form).getByRole('checkbox', { name: 'Eli Novak' }))
    await user.click(within(form).getByRole('button', { name: 'Save group' }))
    expect(calls.at(-1)).toMatchObject({
      method: 'PATCH',
      body: { name: 'Tier 1 support', handle: 'tier-1', memberIds: [dana.userId, eli.userId] },
    })
    expect(stored().groups[0]).toMatchObject({ handle: 'tier-1' })
  })

  it('[1.5.5] a group a rule uses is not deleted: the dialog shows which rules', async () => {
    fakeServer({
      [`DELETE ${BASE}/groups/${tier1.id}`]: () => ({
        status: 409,
        body: {
          error: {
            code: 'CONFLICT',
            message: 'Rules send to this group: Waiting an hour. Change them first.',
          },
        },
      }),
    })
    const user = userEvent.setup()
    render(<Connected />)
    await user.click(screen.getByText('Tier 1 support'))
    await user.click(screen.getByRole('button', { name: 'Delete…' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Delete the group @tier1?' })
    await user.click(within(dialog).getByRole('button', { name: 'Delete group' }))
    expect(await within(dialog).findByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringContaining('Waiting an hour'),
    )
    expect(stored().groups).toHaveLength(1)
  })
})
