import {
  type MemberPresence,
  type PresenceRow,
  PresenceRowKind,
  type PresenceUpdate,
  presenceRow,
  presenceRows,
  type SpaceSnapshot,
} from '@flare/protocol'
import { beforeEach, describe, expect, it } from 'vitest'
import { registerPresenceEvents } from './presence-socket.js'
import { useFlare } from './store/index.js'
import { fakeSocket } from './test/fake-socket.js'

const member = (userId: string, extra: Partial<MemberPresence> = {}): MemberPresence => ({
  userId,
  displayName: userId.toUpperCase(),
  role: 'agent',
  x: 10,
  y: 10,
  status: 'available',
  roomId: null,
  connected: true,
  ...extra,
})

const snapshot: SpaceSnapshot = {
  protocolVersion: 1,
  spaceId: 's',
  serverTime: '2026-11-23T10:00:00.000Z',
  you: 'a',
  members: [member('a'), member('b')],
  rooms: [],
  escalations: [],
}

/**
 * Applies `rows` as a `presence:rows` and, from the same start, `updates` as one
 * `presence:update` each, and expects the same space from both; answers the space after them.
 */
function expectRowsActLikeUpdates(updates: PresenceUpdate[], rows: PresenceRow[]) {
  const one = fakeSocket()
  registerPresenceEvents(one.socket)
  one.fire('presence:rows', rows)
  const fromRows = useFlare.getState().snapshot

  useFlare.setState({ snapshot, announcement: { text: '', seq: 0 } })
  const two = fakeSocket()
  registerPresenceEvents(two.socket)
  for (const update of updates) two.fire('presence:update', update)

  expect(fromRows).toEqual(useFlare.getState().snapshot)
  return fromRows
}

beforeEach(() => {
  useFlare.setState({ snapshot, announcement: { text: '', seq: 0 } })
})

describe('presence events in the browser', () => {
  it('[2.1] applies a flush in order, as the same presence:update events one by one would', () => {
    const updates: PresenceUpdate[] = [
      { kind: 'joined', member: member('c') },
      { kind: 'moved', userId: 'c', x: 50, y: 60, roomId: 'r1' },
      { kind: 'status', userId: 'b', status: 'busy' },
      { kind: 'away', userId: 'b', connected: false },
      { kind: 'joined', member: member('d') },
      { kind: 'left', userId: 'd' },
    ]
    const after = expectRowsActLikeUpdates(updates, presenceRows(updates))
    expect(after?.members.map((m) => [m.userId, m.x, m.status, m.connected])).toEqual([
      ['a', 10, 'available', true],
      ['b', 10, 'busy', false],
      ['c', 50, 'available', true],
    ])
  })

  it('[2.5.2] applies presence:rows as the same updates one by one', () => {
    const updates: PresenceUpdate[] = [
      { kind: 'joined', member: member('c', { role: 'manager', status: 'away', roomId: 'r1' }) },
      { kind: 'moved', userId: 'c', x: 50, y: 60, roomId: null },
      { kind: 'status', userId: 'b', status: 'busy' },
      { kind: 'away', userId: 'b', connected: false },
      { kind: 'back', userId: 'b', connected: true },
      { kind: 'left', userId: 'a' },
    ]
    const after = expectRowsActLikeUpdates(updates, updates.map(presenceRow))
    expect(after?.members.find((m) => m.userId === 'c')).toMatchObject({
      role: 'manager',
      status: 'away',
      x: 50,
      roomId: null,
    })
  })

  it('[2.5.2] applies a join storm sent as columns as the same joins one by one', () => {
    const updates: PresenceUpdate[] = [
      { kind: 'joined', member: member('c', { role: 'manager', x: 30 }) },
      { kind: 'status', userId: 'b', status: 'busy' },
      { kind: 'joined', member: member('d', { status: 'away', roomId: 'r1', connected: false }) },
      { kind: 'joined', member: member('e', { displayName: 'Eve, "the" agent' }) },
    ]
    const rows = presenceRows(updates)
    // the three joins travel together, where the first of them was
    expect(rows.map((r) => r[0])).toEqual([PresenceRowKind.joinedMany, PresenceRowKind.status])
    const after = expectRowsActLikeUpdates(updates, JSON.parse(JSON.stringify(rows)))
    expect(after?.members.map((m) => m.userId)).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('[10.4] announces a join storm once, with how many joined', () => {
    const { socket, fire } = fakeSocket()
    registerPresenceEvents(socket)
    fire(
      'presence:rows',
      presenceRows(['c', 'd', 'e'].map((id) => ({ kind: 'joined', member: member(id) }))),
    )
    expect(useFlare.getState().announcement.text).toBe('3 people joined the space')
    fire('presence:update', { kind: 'left', userId: 'c' })
    expect(useFlare.getState().announcement.text).toBe('C left the space')
  })

  it('ignores presence before the first snapshot: the snapshot already holds it', () => {
    useFlare.setState({ snapshot: null })
    const { socket, fire } = fakeSocket()
    registerPresenceEvents(socket)
    fire('presence:rows', presenceRows([{ kind: 'joined', member: member('c') }]))
    expect(useFlare.getState().snapshot).toBeNull()
  })
})
