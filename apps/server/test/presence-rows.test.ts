import {
  type PresenceRow,
  type PresenceUpdate,
  presenceUpdatesOfRows,
  snapshotMembers,
} from '@flare/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Client, Clients, emitAck, recordPresence, refusalOf } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

const GRACE_MS = 300
const FLUSH_MS = 40

/** Every presence event a `rows` client receives: rows decoded, and any object update apart. */
function recordRows(c: Client): { decoded: PresenceUpdate[]; objects: unknown[] } {
  const seen = { decoded: [] as PresenceUpdate[], objects: [] as unknown[] }
  c.on('presence:rows', (rows: PresenceRow[]) => {
    seen.decoded.push(...presenceUpdatesOfRows(rows))
  })
  c.on('presence:update', (u) => seen.objects.push(u))
  return seen
}

function byUser<T extends { userId: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => a.userId.localeCompare(b.userId))
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('presence as rows (auth.presenceFormat)', () => {
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

  it('[2.5.2] a rows snapshot holds the same members as the objects one, as memberColumns', async () => {
    await clients.join(t.spaceId, await t.login('dana@flare.test'))
    await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const asObjects = await clients.join(t.spaceId, await t.login('admin@flare.test'))
    const asRows = await clients.join(t.spaceId, await t.login('gus@flare.test'), {
      presenceFormat: 'rows',
    })
    expect(asRows.snapshot.members).toEqual([])
    expect(asRows.snapshot.memberColumns?.names).toHaveLength(4)
    // gus is new to the objects client's snapshot; the rest must match exactly
    const gus = await t.userId('gus@flare.test')
    expect(byUser(snapshotMembers(asRows.snapshot).filter((m) => m.userId !== gus))).toEqual(
      byUser(asObjects.snapshot.members),
    )
    // the rest of the snapshot is the same for both
    const { members: _a, memberColumns: _b, you: _c, serverTime: _d, ...rowsRest } = asRows.snapshot
    const { members: _e, you: _f, serverTime: _g, ...objectsRest } = asObjects.snapshot
    expect(rowsRest).toEqual(objectsRest)
  })

  it('[2.5.2] a rows client hears every change an objects client hears, in the same order, and nothing as objects', async () => {
    const { client: watcher } = await clients.join(t.spaceId, await t.login('admin@flare.test'))
    const { client: rower } = await clients.join(t.spaceId, await t.login('manager@flare.test'), {
      presenceFormat: 'rows',
    })
    const asObjects = recordPresence(watcher)
    const asRows = recordRows(rower)

    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    expect(await emitAck(dana, 'presence:move', { x: 640, y: 420 })).toMatchObject({ ok: true })
    expect(await emitAck(dana, 'presence:status', { status: 'busy' })).toEqual({ ok: true })
    // a drop, then the grace runs out: away, then left
    dana.io.engine.close()
    await until(
      () => asObjects.some((u) => u.kind === 'left'),
      'the objects client to see dana leave',
    )
    await until(
      () => asRows.decoded.some((u) => u.kind === 'left'),
      'the rows client to see dana leave',
    )

    expect(asObjects.map((u) => u.kind)).toEqual(['joined', 'moved', 'status', 'away', 'left'])
    expect(asRows.decoded).toEqual(asObjects)
    expect(asRows.objects).toEqual([])
  })

  it('[2.5.2] a rows client that moves hears the others of the same flush as rows too', async () => {
    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const { client: rower } = await clients.join(t.spaceId, await t.login('eli@flare.test'), {
      presenceFormat: 'rows',
    })
    const danaId = await t.userId('dana@flare.test')
    const asRows = recordRows(rower)
    // both walk at once, so their moves share flushes and the rows client is one of the movers
    for (let i = 0; i < 5; i += 1) {
      await Promise.all([
        emitAck(dana, 'presence:move', { x: 500 + i * 10, y: 300 }),
        emitAck(rower, 'presence:move', { x: 800 + i * 10, y: 300 }),
      ])
    }
    await until(
      () => asRows.decoded.some((u) => u.kind === 'moved' && u.userId === danaId && u.x === 540),
      "dana's last move",
    )
    expect(asRows.objects).toEqual([])
    // its own walking is not sent back to it
    const eli = await t.userId('eli@flare.test')
    expect(asRows.decoded.filter((u) => 'userId' in u && u.userId === eli)).toEqual([])
  })

  it('[2.5.2] the rows snapshot is the same over long polling', async () => {
    const { snapshot } = await clients.join(t.spaceId, await t.login('dana@flare.test'), {
      presenceFormat: 'rows',
      transports: ['polling'],
    })
    expect(snapshot.members).toEqual([])
    expect(snapshotMembers(snapshot).map((m) => m.displayName)).toContain('Dana Reyes')
  })

  it('[2.5.2] refuses an unknown presence format with a VALIDATION error', async () => {
    const cookie = await t.login('dana@flare.test')
    const refusal = await refusalOf(
      clients.connect({ spaceId: t.spaceId, cookie, presenceFormat: 'msgpack' }),
    )
    expect(refusal.code).toBe('VALIDATION')
  })
})
