import type { EscalationDto, PresenceUpdate, SpaceSnapshot } from '@flare/protocol'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Clients, emitAck, nextPresence, onPresence } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

// A snapshot carries each person's unshown in-app escalations, read from the database while
// the flush that took it has gone by: with PostgreSQL the test can hold that read back with a
// lock, and see what reaches the joiner meanwhile.
const postgres = databaseKinds().find((k) => k.name === 'postgres')
if (!postgres) {
  process.stdout.write(
    '[server tests] SKIPPED: snapshots built while the space moves on need PostgreSQL: set ' +
      'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n',
  )
}

describe.skipIf(!postgres)('[2.5.1] a snapshot built while the space moves on', () => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)

  beforeAll(async () => {
    if (!postgres) return
    t = await startTestApp(postgres, { moveFlushMs: 50 })
    url = await t.listen()
  })
  afterAll(async () => {
    clients.closeAll()
    await t?.close()
  })

  it('[2.5.1] holds everything that flushed and every hand raised while it was read, and no diff comes before it', async () => {
    const [danaCookie, eliCookie, gusCookie] = await Promise.all(
      ['dana@flare.test', 'eli@flare.test', 'gus@flare.test'].map((e) => t.login(e)),
    )
    const { client: dana } = await clients.join(t.spaceId, danaCookie ?? '')
    const gusId = await t.userId('gus@flare.test')

    let release = () => {}
    const released = new Promise<void>((r) => {
      release = r
    })
    let locked = () => {}
    const isLocked = new Promise<void>((r) => {
      locked = r
    })
    // the alerts' read waits behind this lock until the test lets go
    const holding = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table notification_outbox in access exclusive mode`)
      locked()
      await released
    })
    await isLocked

    // Eli connects; what reaches Eli, in order
    const seen: string[] = []
    let snapshot: SpaceSnapshot | null = null
    const eli = clients.connect({ spaceId: t.spaceId, cookie: eliCookie ?? '' })
    const gotSnapshot = new Promise<void>((resolve) => {
      eli.on('space:snapshot', (s) => {
        seen.push('snapshot')
        snapshot = s
        resolve()
      })
    })
    onPresence(eli, (u: PresenceUpdate) => seen.push(`presence:${u.kind}`))
    eli.on('escalation:started', () => seen.push('escalation:started'))
    const eliJoined = nextPresence(dana, (u) => u.kind === 'joined')
    await eliJoined
    // Eli's snapshot was taken by that flush and waits on the lock; the space moves on: Gus
    // joins (a flush of its own), Dana raises a hand
    const gusJoined = nextPresence(dana, (u) => u.kind === 'joined' && u.member.userId === gusId)
    const gus = clients.connect({ spaceId: t.spaceId, cookie: gusCookie ?? '' })
    const gusSnapshot = new Promise<void>((r) => gus.once('space:snapshot', () => r()))
    await gusJoined
    const raised = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      message: 'Need a hand with a refund',
      notify: false,
      recipients: { userIds: [], groupIds: [] },
    })
    expect(raised.ok).toBe(true)
    // give the hand's event time to reach Eli, as it does while the snapshot is still read
    await new Promise((r) => setTimeout(r, 200))
    expect(snapshot).toBeNull()

    release()
    await holding
    await gotSnapshot
    const got = snapshot as SpaceSnapshot | null
    // Gus is in the snapshot, not in a diff sent before it (a client replacing its view with
    // the snapshot would have lost him)
    expect(got?.members.map((m) => m.userId)).toContain(gusId)
    expect(seen.filter((e) => e.startsWith('presence:'))).toEqual([])
    // the hand raised meanwhile is in it too, though its event came first
    const escalationId = raised.ok ? raised.escalation.id : ''
    expect(got?.escalations.map((e) => e.id)).toContain(escalationId)
    // and the diffs after it follow: Gus's status change reaches Eli
    const status = nextPresence(eli, (u) => u.kind === 'status')
    await gusSnapshot
    await emitAck(gus, 'presence:status', { status: 'busy' })
    expect(await status).toMatchObject({ kind: 'status', userId: gusId, status: 'busy' })
  })
})
