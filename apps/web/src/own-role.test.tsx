import {
  type MemberPresence,
  type MemberRole,
  presenceRow,
  type SpaceSnapshot,
} from '@flare/protocol'
import { act, render, screen } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { asDana, DANA, ELI, SPACE } from './chat/chat-fixtures.js'
import { TopBar } from './components/TopBar.js'
import { HandsPanel } from './hands/HandsPanel.js'
import { registerPresenceEvents } from './presence-socket.js'
import { useFlare } from './store/index.js'
import { fakeSocket as fakeFlareSocket } from './test/fake-socket.js'

/** Stands in for the connection: what the server would send, delivered by hand. */
/** Server events, delivered to what `registerPresenceEvents` listens for, inside React's act. */
function fakeSocket() {
  const { socket, fire } = fakeFlareSocket()
  registerPresenceEvents(socket)
  return (event: string, payload: unknown) => act(() => fire(event, payload))
}

const member = (userId: string, role: MemberRole): MemberPresence => ({
  userId,
  displayName: userId === DANA ? 'Dana Reyes' : 'Eli Novak',
  role,
  x: 10,
  y: 10,
  status: 'available',
  roomId: null,
  connected: true,
})

/** Dana in the space with this role, as her page loaded it; Eli raised a hand. */
function danaAs(role: MemberRole): void {
  asDana()
  const { space, me } = useFlare.getState()
  if (space.status !== 'ready' || me.status !== 'ready' || !me.value) throw new Error('no Dana')
  const snapshot: SpaceSnapshot = {
    protocolVersion: 1,
    spaceId: SPACE,
    serverTime: '2026-11-23T10:00:00.000Z',
    you: DANA,
    members: [member(DANA, role), member(ELI, 'agent')],
    rooms: [],
    escalations: [
      {
        id: '44444444-4444-4444-8444-444444444444',
        raisedBy: ELI,
        message: 'Caller on hold',
        color: 'yellow',
        recipients: { userIds: [], groupIds: [] },
        startedAt: '2026-11-23T09:59:00.000Z',
        responses: [],
      },
    ],
  }
  useFlare.setState({
    space: { ...space, value: { ...space.value, role } },
    me: { ...me, value: { ...me.value, spaces: me.value.spaces.map((s) => ({ ...s, role })) } },
    snapshot,
  })
}

/** The role the page acts on: the space's, and the space's entry in `me`. */
function myRoles() {
  const { space, me } = useFlare.getState()
  return {
    space: space.status === 'ready' ? space.value.role : null,
    me: me.status === 'ready' ? me.value?.spaces.find((s) => s.id === SPACE)?.role : null,
  }
}

/** The admin's change as presence brings it: a `joined` of the whole member, as rows. */
const roleChange = (userId: string, role: MemberRole) => [
  presenceRow({ kind: 'joined', member: member(userId, role) }),
]

function dana() {
  const me = useFlare.getState().me
  if (me.status !== 'ready' || !me.value) throw new Error('no Dana')
  return me.value.user
}

beforeEach(() => {
  useFlare.setState({ announcement: { text: '', seq: 0 } })
})

describe("the member's own page follows a role change", () => {
  it('[1.5.5][2.5.2] a promoted agent gets the manager controls at once, and hears it', () => {
    danaAs('agent')
    const fire = fakeSocket()
    render(
      <>
        <TopBar spaceId={SPACE} user={dana()} compact={false} />
        <HandsPanel />
      </>,
    )
    expect(screen.queryByRole('button', { name: 'Supervisor' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Lower all' })).toBeNull()

    fire('presence:rows', roleChange(DANA, 'manager'))

    expect(myRoles()).toEqual({ space: 'manager', me: 'manager' })
    expect(screen.getByRole('button', { name: 'Supervisor' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Lower all' })).toBeTruthy()
    expect(screen.getByTestId('who-am-i').textContent).toContain('manager')
    expect(useFlare.getState().announcement.text).toBe('Your role is now manager')
  })

  it("[1.5.5][8.2] a demoted manager loses them, and leaves the supervisor's view for the map", () => {
    danaAs('manager')
    useFlare.setState({ mainView: 'supervisor' })
    const fire = fakeSocket()
    render(
      <>
        <TopBar spaceId={SPACE} user={dana()} compact={false} />
        <HandsPanel />
      </>,
    )
    expect(screen.getByRole('button', { name: 'Supervisor' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Lower all' })).toBeTruthy()

    fire('presence:rows', roleChange(DANA, 'agent'))

    expect(myRoles()).toEqual({ space: 'agent', me: 'agent' })
    expect(screen.queryByRole('button', { name: 'Supervisor' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Lower all' })).toBeNull()
    expect(useFlare.getState().mainView).toBe('space')
    expect(useFlare.getState().announcement.text).toBe(
      "Your role is now agent. The supervisor's view is for admins and managers: back to the map.",
    )
  })

  it("[1.5.5] someone else's new role leaves yours alone", () => {
    danaAs('agent')
    const fire = fakeSocket()
    fire('presence:rows', roleChange(ELI, 'manager'))
    expect(myRoles()).toEqual({ space: 'agent', me: 'agent' })
    expect(useFlare.getState().snapshot?.members.find((m) => m.userId === ELI)?.role).toBe(
      'manager',
    )
    expect(useFlare.getState().announcement.text).toBe('')
  })

  it('[1.5.5] the last of several changes in one flush wins', () => {
    danaAs('agent')
    const fire = fakeSocket()
    fire('presence:rows', [...roleChange(DANA, 'admin'), ...roleChange(DANA, 'manager')])
    expect(myRoles()).toEqual({ space: 'manager', me: 'manager' })
  })
})
