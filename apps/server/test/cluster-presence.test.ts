import type { EscalationDto, PresenceUpdate } from '@flare/protocol'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { type DatabaseTarget, openDatabase } from '../src/db/database.js'
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js'
import { Clients, emitAck, nextPresence } from './sockets.js'
import { databaseKinds, testConfig } from './support.js'

const redisUrl = process.env.TEST_REDIS_URL
const postgres = databaseKinds().find((k) => k.name === 'postgres')
const GRACE_MS = 1_500
const LEASE_MS = 1_500

if (!redisUrl || !postgres) {
  process.stdout.write(
    '[server tests] SKIPPED: cluster-wide presence across processes. It needs TEST_REDIS_URL ' +
      '(e.g. redis://127.0.0.1:6379) and TEST_DATABASE_URL.\n',
  )
}

interface Node {
  app: FastifyInstance
  url: string
  clients: Clients
}

/** Several Flare apps on one PostgreSQL and one Redis, as several processes would run. */
describe.skipIf(!redisUrl || !postgres)('[12.1] presence across processes through Redis', () => {
  let target: DatabaseTarget
  let drop: () => Promise<void> = async () => {}
  const nodes: Node[] = []
  let spaceId = ''
  const cookies = new Map<string, string>()
  const ids = new Map<string, string>()

  async function start(): Promise<Node> {
    const database = await openDatabase(target)
    const app = await buildApp({
      config: testConfig({ REDIS_URL: redisUrl ?? '' }),
      database,
      cookieSecret: 'cluster-test-cookie-secret-32-chars-long',
      logger: false,
      reconnectGraceMs: GRACE_MS,
      presenceLeaseMs: LEASE_MS,
      moveFlushMs: 50,
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (!address || typeof address === 'string') throw new Error('no port')
    const url = `http://127.0.0.1:${address.port}`
    const node = { app, url, clients: new Clients(() => url) }
    nodes.push(node)
    return node
  }

  function cookie(email: string): string {
    const c = cookies.get(email)
    if (!c) throw new Error(`no login for ${email}`)
    return c
  }

  beforeAll(async () => {
    if (!postgres) return
    const fresh = await postgres.fresh()
    target = fresh.target
    drop = fresh.drop
    const seeding = await openDatabase(target)
    await seedDemo(seeding)
    await seeding.close()
    const a = await start()
    await start()
    for (const email of [
      'dana@flare.test',
      'eli@flare.test',
      'fatima@flare.test',
      'gus@flare.test',
    ]) {
      const res = await a.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: DEMO_PASSWORD },
      })
      const c = `flare_session=${res.cookies.find((k) => k.name === 'flare_session')?.value}`
      cookies.set(email, c)
      const me = (
        await a.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: c } })
      ).json()
      ids.set(email, me.user.id)
      spaceId = me.spaces[0].id
    }
  })
  afterEach(() => {
    for (const node of nodes) node.clients.closeAll()
  })
  afterAll(async () => {
    for (const node of nodes) await node.app.close()
    await drop()
  })

  it('[12.1] a client on A gets a snapshot listing a member connected only to B, and sees them move', async () => {
    const [a, b] = nodes
    if (!a || !b) throw new Error('nodes')
    const { client: eliOnB } = await b.clients.join(spaceId, cookie('eli@flare.test'))
    const eli = ids.get('eli@flare.test')
    // B's news reaches A within a flush or two; the snapshot of a later joiner on A includes Eli
    await expect
      .poll(async () => {
        const { client, snapshot } = await a.clients.join(spaceId, cookie('dana@flare.test'))
        client.disconnect()
        return snapshot.members.some((m) => m.userId === eli && m.connected)
      })
      .toBe(true)
    const { client: danaOnA } = await a.clients.join(spaceId, cookie('dana@flare.test'))
    const moved = nextPresence(danaOnA, (u) => u.kind === 'moved' && u.userId === eli)
    await emitAck(eliOnB, 'presence:move', { x: 640, y: 480 })
    expect(await moved).toMatchObject({ x: 640, y: 480 })
  })

  it('[2.4] tabs on two processes are one member: closing one is not leaving', async () => {
    const [a, b] = nodes
    if (!a || !b) throw new Error('nodes')
    const fatima = ids.get('fatima@flare.test')
    const { client: watcher } = await a.clients.join(spaceId, cookie('gus@flare.test'))
    const seen: PresenceUpdate[] = []
    watcher.on('presence:update', (u) => seen.push(u))
    const { client: tabA } = await a.clients.join(spaceId, cookie('fatima@flare.test'))
    await b.clients.join(spaceId, cookie('fatima@flare.test'))
    // a network drop of the tab on A: Fatima is still connected on B
    tabA.io.engine.close()
    await new Promise((r) => setTimeout(r, GRACE_MS + LEASE_MS))
    const { snapshot } = await a.clients.join(spaceId, cookie('dana@flare.test'))
    expect(snapshot.members.find((m) => m.userId === fatima)).toMatchObject({ connected: true })
    expect(
      seen.filter((u) => 'userId' in u && u.userId === fatima).map((u) => u.kind),
    ).not.toContain('left')
  })

  it('[12.1] a process starting while hands are up on A ends none; a member gone everywhere ends theirs', async () => {
    const [a] = nodes
    if (!a) throw new Error('nodes')
    const { client: dana } = await a.clients.join(spaceId, cookie('dana@flare.test'))
    const raised = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      message: 'third process',
      notify: false,
      recipients: { userIds: [], groupIds: [] },
    })
    if (!raised.ok) throw new Error('raise failed')
    const c = await start()
    // the new process's restart grace has passed, and presence has had time to tell it anything
    await new Promise((r) => setTimeout(r, GRACE_MS * 2))
    const active = async () =>
      (
        await c.app.inject({
          method: 'GET',
          url: `/api/spaces/${spaceId}/escalations`,
          headers: { cookie: cookie('dana@flare.test') },
        })
      ).json().escalations as EscalationDto[]
    expect((await active()).map((e) => e.id)).toContain(raised.escalation.id)

    // Dana's only connection drops: after the grace, one process ends her hand, once
    const { client: watcher } = await c.clients.join(spaceId, cookie('eli@flare.test'))
    const endings: string[] = []
    watcher.on('escalation:ended', (e) => endings.push(e.id))
    dana.io.engine.close()
    await expect.poll(() => endings, { timeout: GRACE_MS * 4 }).toContain(raised.escalation.id)
    await new Promise((r) => setTimeout(r, GRACE_MS))
    expect(endings.filter((id) => id === raised.escalation.id)).toHaveLength(1)
  })

  it('[12.2] health names Redis as up', async () => {
    const [a] = nodes
    if (!a) throw new Error('nodes')
    const res = await a.app.inject({ method: 'GET', url: '/api/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'ok', database: 'up', redis: 'up' })
  })
})
