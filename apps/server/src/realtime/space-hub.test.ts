import type { PresenceUpdate } from '@flare/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type MemberState, type SpaceCluster, SpaceHub } from './space-hub.js'

const GRACE = 1_000
const FLUSH = 100

/** A cluster that answers what the test tells it to, and records what the hub told it. */
function fakeCluster() {
  const told: Array<[string, string, number?]> = []
  const answers: Array<Awaited<ReturnType<SpaceCluster['expire']>>> = []
  const cluster: SpaceCluster = {
    connections: (member, count) => told.push(['connections', member.userId, count]),
    changed: (member) => told.push(['changed', member.userId]),
    left: (userId) => told.push(['left', userId]),
    expire: async () => answers.shift() ?? 'removed',
  }
  return { cluster, told, answers }
}

function hubWith(cluster: SpaceCluster | null) {
  const hub = new SpaceHub(
    {
      map: { width: 1600, height: 1000 },
      rooms: [],
      reconnectGraceMs: GRACE,
      moveFlushMs: FLUSH,
      retryMs: 500,
    },
    cluster,
  )
  const left: string[] = []
  const sent: PresenceUpdate[] = []
  hub.on('memberLeft', (userId) => left.push(userId))
  hub.on('flush', (changes) => sent.push(...changes.map((c) => c.update)))
  return { hub, left, sent }
}

const dana = { userId: 'dana', displayName: 'Dana', role: 'agent' as const }
const state = (userId: string): MemberState => ({
  userId,
  displayName: userId,
  role: 'agent',
  x: 100,
  y: 100,
  status: 'available',
  roomId: null,
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('SpaceHub, the replica of a space’s presence', () => {
  it('[2.4] a member with a connection on another process stays when their tab here drops', async () => {
    const { cluster } = fakeCluster()
    const { hub, left } = hubWith(cluster)
    hub.connect(dana)
    hub.applyConnections('process-b', 'dana', 1)
    hub.disconnect('dana', false)
    await vi.advanceTimersByTimeAsync(GRACE * 3)
    expect(hub.get('dana')).toMatchObject({ connected: true })
    expect(left).toEqual([])
  })

  it('[12.2.1] while the other processes cannot be asked, a grace running out ends nothing', async () => {
    const { cluster, answers } = fakeCluster()
    const { hub, left } = hubWith(cluster)
    hub.connect(dana)
    hub.disconnect('dana', false)
    answers.push('unknown', 'unknown')
    await vi.advanceTimersByTimeAsync(GRACE + 500 * 2 - 1)
    expect(left).toEqual([])
    expect(hub.get('dana')).toMatchObject({ connected: false })
    // Redis answers again: the member is gone everywhere, and this process removed them
    await vi.advanceTimersByTimeAsync(2)
    expect(left).toEqual(['dana'])
    expect(hub.get('dana')).toBeNull()
  })

  it('[12.1] a member another process removed leaves here without a second memberLeft', async () => {
    const { cluster, answers } = fakeCluster()
    const { hub, left } = hubWith(cluster)
    hub.applyMember(state('eli'))
    hub.applyConnections('process-b', 'eli', 1)
    hub.applyConnections('process-b', 'eli', 0)
    answers.push('gone')
    await vi.advanceTimersByTimeAsync(GRACE + 1)
    expect(hub.get('eli')).toBeNull()
    expect(left).toEqual([])
  })

  it('[12.1] the connections of a process whose lease ran out are gone: its members start the grace', async () => {
    const { cluster } = fakeCluster()
    const { hub, left, sent } = hubWith(cluster)
    hub.applyMember(state('eli'))
    hub.applyConnections('process-b', 'eli', 2)
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(hub.keepProcesses(new Set(['process-c']))).toBe(true)
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(sent.at(-1)).toEqual({ kind: 'away', userId: 'eli', connected: false })
    await vi.advanceTimersByTimeAsync(GRACE)
    expect(left).toEqual(['eli'])
  })

  it('[2.5] sends one batch per flush, and a joiner only what changed after its snapshot', async () => {
    const { hub } = hubWith(null)
    const batches: Array<{ all: PresenceUpdate[]; fresh: PresenceUpdate[] }> = []
    hub.on('flush', (changes, bySocket) => {
      const filter = bySocket.get('socket-2')
      batches.push({
        all: changes.map((c) => c.update),
        fresh: filter ? changes.filter((c) => c.seq > filter.after).map((c) => c.update) : [],
      })
    })
    hub.connect(dana)
    hub.connect({ userId: 'eli', displayName: 'Eli', role: 'agent' })
    // Eli's socket is sent its snapshot: both members are in it
    expect(hub.snapshotFor('socket-2').map((m) => m.userId)).toEqual(['dana', 'eli'])
    hub.setStatus('dana', 'busy')
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(batches).toHaveLength(1)
    expect(batches[0]?.all.map((u) => u.kind)).toEqual(['joined', 'joined'])
    // Dana's join carries her latest status, which Eli's snapshot did not have yet
    expect(batches[0]?.fresh).toEqual([
      { kind: 'joined', member: expect.objectContaining({ userId: 'dana', status: 'busy' }) },
    ])
  })
})
