import {
  floorPlan,
  type PresenceRow,
  type PresenceUpdate,
  type SpaceResponse,
} from '@flare/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Clients, emitAck, nextPresence, recordPresence } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

const GRACE_MS = 400
const FLUSH_MS = 50

describe('presence in the space', () => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)

  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0]!, {
      reconnectGraceMs: GRACE_MS,
      moveFlushMs: FLUSH_MS,
    })
    url = await t.listen()
  })
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t.close()
  })

  it('[2] a move is acknowledged and others see the avatar at its new place', async () => {
    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const { client: eli } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const danaId = await t.userId('dana@flare.test')
    const seen = nextPresence(eli, (u) => u.kind === 'moved')
    expect(await emitAck(dana, 'presence:move', { x: 700, y: 600 })).toEqual({
      ok: true,
      x: 700,
      y: 600,
      roomId: null,
    })
    expect(await seen).toEqual({ kind: 'moved', userId: danaId, x: 700, y: 600, roomId: null })
  })

  it('[2] each member starts at their own desk of the floor plan the web app draws', async () => {
    const cookie = await t.login('dana@flare.test')
    const space = (
      await t.app.inject({ method: 'GET', url: `/api/spaces/${t.spaceId}`, headers: { cookie } })
    ).json() as SpaceResponse
    const plan = floorPlan({
      mapWidth: space.space.mapWidth,
      mapHeight: space.space.mapHeight,
      rooms: space.rooms,
      teams: space.groups,
      members: space.members,
    })
    await clients.join(t.spaceId, cookie)
    const { snapshot } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const spots = snapshot.members.map((m) => ({ x: m.x, y: m.y }))
    expect(spots).toHaveLength(2)
    for (const m of snapshot.members) {
      expect({ x: m.x, y: m.y }).toEqual(plan.seats[m.userId])
      expect(m.roomId).toBeNull()
    }
    const [a, b] = spots
    expect(Math.hypot((a?.x ?? 0) - (b?.x ?? 0), (a?.y ?? 0) - (b?.y ?? 0))).toBeGreaterThan(48)
  })

  it('[2] derives on the server which meeting room an avatar stands in', async () => {
    const { client: dana, snapshot } = await clients.join(
      t.spaceId,
      await t.login('dana@flare.test'),
    )
    const huddle = snapshot.rooms.find((r) => r.name === 'Huddle Room')!
    const { client: eli } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const seen = nextPresence(eli, (u) => u.kind === 'moved')
    const ack = await emitAck(dana, 'presence:move', { x: huddle.x + 10, y: huddle.y + 10 })
    expect(ack).toMatchObject({ ok: true, roomId: huddle.id })
    expect(await seen).toMatchObject({ roomId: huddle.id })
    // a late joiner's snapshot says so too
    const { snapshot: late } = await clients.join(t.spaceId, await t.login('gus@flare.test'))
    expect(late.members.find((m) => m.displayName === 'Dana Reyes')?.roomId).toBe(huddle.id)
  })

  it('[2] broadcasts a status change', async () => {
    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const { client: eli } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const seen = nextPresence(eli, (u) => u.kind === 'status')
    expect(await emitAck(dana, 'presence:status', { status: 'busy' })).toEqual({ ok: true })
    expect(await seen).toEqual({
      kind: 'status',
      userId: await t.userId('dana@flare.test'),
      status: 'busy',
    })
  })

  it('refuses malformed and out-of-map moves with an error ack and broadcasts nothing', async () => {
    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const { client: eli } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const seen = recordPresence(eli)
    const bad: unknown[] = [
      { x: '1', y: 2 },
      { x: 1 },
      { x: 1, y: 2, extra: true },
      null,
      'x',
      { x: 5000, y: 10 },
      { x: -1, y: 10 },
    ]
    for (const payload of bad) {
      const ack = await emitAck(dana, 'presence:move', payload)
      expect(ack.ok, JSON.stringify(payload)).toBe(false)
      if (!ack.ok) expect(ack.error.code).toBe('VALIDATION')
    }
    const status = await emitAck(dana, 'presence:status', { status: 'sleeping' })
    expect(status).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'status' } })
    // a valid move afterwards is the first thing Eli hears about Dana
    const moved = nextPresence(eli, (u) => u.kind === 'moved')
    await emitAck(dana, 'presence:move', { x: 300, y: 700 })
    await moved
    expect(seen.map((u) => u.kind)).toEqual(['moved'])
  })

  it('closes a connection that sends an oversized frame, and the others hear nothing of it', async () => {
    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const { client: eli } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const seen = recordPresence(eli)
    const closed = new Promise<string>((resolve) => dana.once('disconnect', resolve))
    dana.emit('presence:move', { x: 1, y: 1, pad: 'x'.repeat(200_000) } as never, () => {})
    expect(await closed).toBe('transport close')
    expect(seen.every((u) => u.kind !== 'moved')).toBe(true)
  })

  it('[2.5] a flush of several changes reaches an objects client as one presence:update each, in order', async () => {
    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const { client: eli } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const { client: watcher } = await clients.join(t.spaceId, await t.login('gus@flare.test'))
    const { client: rows } = await clients.join(t.spaceId, await t.login('admin@flare.test'), {
      presenceFormat: 'rows',
    })
    // long polling gets them too (a WebSocket gets the flush's frames written in one go)
    const { client: polling } = await clients.join(t.spaceId, await t.login('fatima@flare.test'), {
      transports: ['polling'],
    })
    const events: string[] = []
    watcher.onAny((event: string) => events.push(event))
    const polled = recordPresence(polling)
    const flushes: PresenceRow[][] = []
    rows.on('presence:rows', (r: PresenceRow[]) => flushes.push(r))
    const seen = recordPresence(watcher)
    const [danaId, eliId] = [await t.userId('dana@flare.test'), await t.userId('eli@flare.test')]

    // at the same moment: one flush carries both
    await Promise.all([
      emitAck(dana, 'presence:status', { status: 'busy' }),
      emitAck(eli, 'presence:move', { x: 720, y: 610 }),
    ])
    await nextPresence(watcher, (u) => u.kind === 'moved' && u.userId === eliId)
    for (const deadline = Date.now() + 5_000; flushes.length === 0 && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 10))
    expect(flushes.map((f) => f.length)).toEqual([2])

    expect(seen.map((u) => ('userId' in u ? [u.kind, u.userId] : [u.kind]))).toEqual([
      ['status', danaId],
      ['moved', eliId],
    ])
    expect(events).toEqual(['presence:update', 'presence:update'])
    for (
      const deadline = Date.now() + 5_000;
      !polled.some((u) => u.kind === 'moved') && Date.now() < deadline;
    )
      await new Promise((resolve) => setTimeout(resolve, 10))
    expect(polled.filter((u) => u.kind !== 'joined')).toEqual(seen)
  })

  it('[2] coalesces a flood: 1,000 moves a second reach the others at no more than the flush rate', async () => {
    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const { client: eli } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const moves = recordPresence(eli)
    const started = performance.now()
    const acks: Promise<unknown>[] = []
    for (let i = 0; i < 500; i += 1)
      acks.push(emitAck(dana, 'presence:move', { x: 100 + (i % 400), y: 500 }))
    await Promise.all(acks)
    const last = nextPresence(eli, (u) => u.kind === 'moved' && u.x === 100 + (499 % 400))
    await last
    const elapsed = performance.now() - started
    const received = moves.filter((u) => u.kind === 'moved').length
    // one update per flush window at most, plus one for a window cut at either end
    expect(received).toBeLessThanOrEqual(Math.ceil(elapsed / FLUSH_MS) + 2)
    expect(received).toBeLessThan(500)
    // and the last position is the one that stays
    expect(moves.at(-1)).toMatchObject({ kind: 'moved', x: 199, y: 500 })
  })

  it('[2] a client that drops and returns within the grace keeps its place, and nobody saw it leave', async () => {
    const cookie = await t.login('fatima@flare.test')
    const fatima = await t.userId('fatima@flare.test')
    const { client: watcher } = await clients.join(t.spaceId, await t.login('admin@flare.test'))
    const { client: tab } = await clients.join(t.spaceId, cookie)
    // presence is sent in batches: wait until the watcher has her at her place, so her drop
    // comes in a batch of its own rather than folded into her arrival
    const placed = nextPresence(
      watcher,
      (u) =>
        (u.kind === 'moved' && u.userId === fatima) ||
        (u.kind === 'joined' && u.member.userId === fatima && u.member.x === 900),
    )
    await emitAck(tab, 'presence:move', { x: 900, y: 700 })
    await placed
    const seen = recordPresence(watcher)

    const away = nextPresence(watcher, (u) => u.kind === 'away')
    // a network drop, not a goodbye: the engine closes without a namespace disconnect packet
    tab.io.engine.close()
    expect(await away).toEqual({ kind: 'away', userId: fatima, connected: false })

    const back = nextPresence(watcher, (u) => u.kind === 'back')
    const { snapshot } = await clients.join(t.spaceId, cookie)
    await back
    expect(snapshot.members.find((m) => m.userId === fatima)).toMatchObject({
      x: 900,
      y: 700,
      connected: true,
    })
    expect(seen.some((u) => u.kind === 'left')).toBe(false)
  })

  it('[2] after the grace a dropped member is shown as gone', async () => {
    const cookie = await t.login('gus@flare.test')
    const gus = await t.userId('gus@flare.test')
    const { client: watcher } = await clients.join(t.spaceId, await t.login('admin@flare.test'))
    const { client: tab } = await clients.join(t.spaceId, cookie)
    const left = nextPresence(
      watcher,
      (u): u is PresenceUpdate => u.kind === 'left' && u.userId === gus,
    )
    const dropped = performance.now()
    tab.io.engine.close()
    await left
    expect(performance.now() - dropped).toBeGreaterThanOrEqual(GRACE_MS - 20)
    const { snapshot } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    expect(snapshot.members.some((m) => m.userId === gus)).toBe(false)
  })

  it('[2] space:leave is final at once', async () => {
    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const { client: eli } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const left = nextPresence(eli, (u) => u.kind === 'left')
    expect(await emitAck(dana, 'space:leave', {})).toEqual({ ok: true })
    expect(await left).toEqual({ kind: 'left', userId: await t.userId('dana@flare.test') })
  })
})
