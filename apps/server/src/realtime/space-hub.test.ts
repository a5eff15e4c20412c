import type { PresenceUpdate } from '@flare/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  changesFor,
  type FlushDelivery,
  type MemberState,
  type PresenceChange,
  type SpaceCluster,
  SpaceHub,
} from './space-hub.js'

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

  it('[12.1] a member connected here stays when another process removes them, and is announced again', async () => {
    const { cluster, told } = fakeCluster()
    const { hub, left } = hubWith(cluster)
    hub.connect(dana)
    hub.applyMember(state('eli'))
    hub.applyConnections('process-b', 'eli', 1)
    told.length = 0
    // process B could not see Dana's connection here (say Redis had just come back empty)
    hub.applyLeft('dana')
    hub.applyLeft('eli')
    expect(hub.get('dana')).toMatchObject({ userId: 'dana', connected: true })
    expect(told).toEqual([['connections', 'dana', 1]])
    // Eli has no connection here: gone, and not this process's news to tell
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

  it('[2.5] sends one batch per flush; joiners of a flush get one snapshot with everything and none of its diffs', async () => {
    const { hub } = hubWith(null)
    const flushes: Array<{
      changes: readonly PresenceChange[]
      all: PresenceUpdate[]
      delivery: FlushDelivery
    }> = []
    hub.on('flush', (changes, delivery) => {
      flushes.push({ changes, all: changes.map((c) => c.update), delivery })
    })
    hub.connect(dana)
    hub.requestSnapshot('socket-1')
    hub.connect({ userId: 'eli', displayName: 'Eli', role: 'agent' })
    hub.requestSnapshot('socket-2')
    hub.setStatus('dana', 'busy')
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(flushes).toHaveLength(1)
    const [first] = flushes
    expect(first?.all.map((u) => u.kind)).toEqual(['joined', 'joined'])
    // both joiners get the same snapshot, as of the flush: Dana's latest status in it
    expect(first?.delivery.snapshots).toEqual(['socket-1', 'socket-2'])
    const members = hub.sendingSnapshots(['socket-1', 'socket-2'])
    expect(members).toEqual([
      expect.objectContaining({ userId: 'dana', status: 'busy' }),
      expect.objectContaining({ userId: 'eli' }),
    ])
    expect(Object.isFrozen(members)).toBe(true)

    // the next flush is diffs only, and a mover does not hear of its own move
    hub.move('eli', 300, 300, 'socket-2')
    hub.setStatus('eli', 'away')
    await vi.advanceTimersByTimeAsync(FLUSH)
    const second = flushes[1]
    expect(second?.delivery.snapshots).toEqual([])
    expect(second?.delivery.waiting).toEqual([])
    expect(second?.all.map((u) => u.kind)).toEqual(['moved', 'status'])
    expect([...(second?.delivery.movers ?? [])]).toEqual([['socket-2', 'eli']])
    expect(changesFor(second?.changes ?? [], 'eli').map((u) => u.kind)).toEqual(['status'])
  })

  it('[2.5] a join storm goes out in few batches: quiet for one flush, or the longest wait in a crowded space', async () => {
    const { hub } = hubWith(null)
    const flushes: number[] = []
    hub.on('flush', (changes) => flushes.push(changes.length))
    // 400 connections arrive at once: one batch
    for (let i = 0; i < 400; i += 1) {
      hub.connect({ userId: `u${i}`, displayName: `U${i}`, role: 'agent' })
    }
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(flushes).toEqual([400])
    // then a change every 10 ms for 2 s: with 400 connections a change waits at most 200 ms,
    // so about ten batches go out rather than twenty (one per 100 ms), and none is lost
    for (let i = 0; i < 200; i += 1) {
      hub.setStatus(`u${i}`, 'busy')
      await vi.advanceTimersByTimeAsync(10)
    }
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(flushes.length - 1).toBeLessThanOrEqual(11)
    expect(flushes.slice(1).reduce((a, b) => a + b, 0)).toBe(200)
    // a lone change in a quiet space goes out after one flush
    const before = flushes.length
    hub.setStatus('u1', 'away')
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(flushes.slice(before)).toEqual([1])
  })

  it('[2.5.1] snapshots wait for room: those still due get no diffs, and go when the pacer wakes the hub', async () => {
    let room = 1
    let wake = () => {}
    const hub = new SpaceHub({
      map: { width: 1600, height: 1000 },
      rooms: [],
      reconnectGraceMs: GRACE,
      moveFlushMs: FLUSH,
      snapshotPacing: {
        room: () => room,
        whenRoom: (w) => {
          wake = w
        },
      },
    })
    const flushes: Array<{ changes: readonly PresenceChange[]; delivery: FlushDelivery }> = []
    hub.on('flush', (changes, delivery) => flushes.push({ changes, delivery }))
    hub.connect(dana)
    for (const socketId of ['s1', 's2', 's3']) hub.requestSnapshot(socketId)
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(flushes.map((f) => [f.delivery.snapshots, f.delivery.waiting])).toEqual([
      [['s1'], ['s2', 's3']],
    ])
    hub.sendingSnapshots(['s1'])
    // a change not flushed yet when room comes: s2 and s3 get the space as of the last flush…
    hub.setStatus('dana', 'busy')
    room = 2
    wake()
    await vi.advanceTimersByTimeAsync(0)
    expect(flushes[1]?.changes).toEqual([])
    expect(flushes[1]?.delivery.snapshots).toEqual(['s2', 's3'])
    expect(hub.sendingSnapshots(['s2', 's3'])).toEqual([
      expect.objectContaining({ status: 'available' }),
    ])
    // …and the change in the next flush's diffs, which nobody is left out of any more
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(flushes[2]?.changes.map((c) => c.update)).toEqual([
      { kind: 'status', userId: 'dana', status: 'busy' },
    ])
    expect(flushes[2]?.delivery.waiting).toEqual([])
  })

  it('[2.5.1] a snapshot still being built gets no diffs, and shows the space as of the latest flush when sent', async () => {
    const { hub } = hubWith(null)
    const flushes: Array<{ changes: readonly PresenceChange[]; delivery: FlushDelivery }> = []
    hub.on('flush', (changes, delivery) => flushes.push({ changes, delivery }))
    hub.connect(dana)
    hub.requestSnapshot('s1')
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(flushes[0]?.delivery.snapshots).toEqual(['s1'])
    // its hands and alerts are still being read when Eli joins and that flushes: s1 is left
    // out of the diff (it would arrive before a snapshot that does not hold Eli yet)…
    hub.connect({ userId: 'eli', displayName: 'Eli', role: 'agent' })
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(flushes[1]?.changes.map((c) => c.update.kind)).toEqual(['joined'])
    expect(flushes[1]?.delivery.waiting).toEqual(['s1'])
    // …and its snapshot, sent now, holds Eli
    expect(hub.sendingSnapshots(['s1']).map((m) => m.userId)).toEqual(['dana', 'eli'])
    hub.setStatus('eli', 'busy')
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(flushes[2]?.delivery.waiting).toEqual([])
    // a socket that closes while its snapshot is built is forgotten
    hub.requestSnapshot('s2')
    await vi.advanceTimersByTimeAsync(FLUSH)
    hub.forgetSocket('s2')
    hub.setStatus('eli', 'available')
    await vi.advanceTimersByTimeAsync(FLUSH)
    expect(flushes.at(-1)?.delivery.waiting).toEqual([])
  })
})
