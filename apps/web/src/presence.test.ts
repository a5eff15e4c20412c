import type { MemberPresence, SpaceSnapshot } from '@flare/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { applyPresence, throttleLatest } from './presence.js'

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

const snapshot = (members: MemberPresence[]): SpaceSnapshot => ({
  protocolVersion: 1,
  spaceId: 's',
  serverTime: '2026-11-23T10:00:00.000Z',
  you: 'a',
  members,
  rooms: [],
  escalations: [],
})

describe('applyPresence', () => {
  it('adds a joiner once, even when told twice', () => {
    const s = applyPresence(
      applyPresence(snapshot([member('a')]), { kind: 'joined', member: member('b') }),
      {
        kind: 'joined',
        member: member('b', { x: 99 }),
      },
    )
    expect(s.members.map((m) => [m.userId, m.x])).toEqual([
      ['a', 10],
      ['b', 99],
    ])
  })

  it('moves, changes status, marks dropped and back, and removes who left', () => {
    let s = snapshot([member('a'), member('b')])
    s = applyPresence(s, { kind: 'moved', userId: 'b', x: 5, y: 6, roomId: 'r1' })
    s = applyPresence(s, { kind: 'status', userId: 'b', status: 'busy' })
    s = applyPresence(s, { kind: 'away', userId: 'b', connected: false })
    expect(s.members[1]).toMatchObject({
      x: 5,
      y: 6,
      roomId: 'r1',
      status: 'busy',
      connected: false,
    })
    s = applyPresence(s, { kind: 'back', userId: 'b', connected: true })
    expect(s.members[1]?.connected).toBe(true)
    s = applyPresence(s, { kind: 'left', userId: 'b' })
    expect(s.members.map((m) => m.userId)).toEqual(['a'])
  })
})

describe('throttleLatest', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends the first value at once, then at most one per interval, and always the last', () => {
    vi.useFakeTimers()
    const sent: number[] = []
    const send = throttleLatest<number>(100, (v) => sent.push(v))
    for (let i = 1; i <= 50; i += 1) send(i)
    expect(sent).toEqual([1])
    vi.advanceTimersByTime(100)
    expect(sent).toEqual([1, 50])
    vi.advanceTimersByTime(1000)
    expect(sent).toEqual([1, 50])
  })
})
