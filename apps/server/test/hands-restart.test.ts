import type { EscalationDto, EscalationEnded } from '@flare/protocol'
import type { FastifyInstance } from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { type DatabaseTarget, openDatabase } from '../src/db/database.js'
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js'
import { Clients, emitAck } from './sockets.js'
import { databaseKinds, durableDatabase, testConfig } from './support.js'

// long enough for a loaded machine to boot, log in and join within it
const GRACE_MS = 3_000

async function boot(target: DatabaseTarget): Promise<{ app: FastifyInstance; url: string }> {
  const database = await openDatabase(target)
  await seedDemo(database)
  const app = await buildApp({
    config: testConfig(),
    database,
    cookieSecret: 'restart-test-cookie-secret-32-chars-long',
    logger: false,
    reconnectGraceMs: GRACE_MS,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('no port')
  return { app, url: `http://127.0.0.1:${address.port}` }
}

async function login(app: FastifyInstance, email: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: DEMO_PASSWORD },
  })
  return `flare_session=${res.cookies.find((c) => c.name === 'flare_session')?.value}`
}

describe.each(databaseKinds().map((k) => k.name))('escalations across a restart on %s', (name) => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })

  it('[3] an active escalation survives a server restart and is still active on every reconnected client', async () => {
    const { target, drop } = await durableDatabase(name)
    cleanups.push(drop)
    let url = ''
    const clients = new Clients(() => url)

    const first = await boot(target)
    url = first.url
    const danaCookie = await login(first.app, 'dana@flare.test')
    const eliCookie = await login(first.app, 'eli@flare.test')
    const me = (
      await first.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: danaCookie } })
    ).json()
    const spaceId: string = me.spaces[0].id
    const { client: dana } = await clients.join(spaceId, danaCookie)
    const raised = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      message: 'Still here?',
      notify: false,
      recipients: { userIds: [], groupIds: [] },
    })
    if (!raised.ok) throw new Error('raise failed')
    // the server goes down under a connected client: no goodbye is said, nothing ends it
    await first.app.close()
    expect(dana.connected).toBe(false)
    clients.closeAll()

    const second = await boot(target)
    cleanups.push(() => second.app.close())
    url = second.url
    // both reconnect (their cookies still work) within the grace
    const { snapshot: eliView } = await clients.join(spaceId, eliCookie)
    const { client: danaBack, snapshot: danaView } = await clients.join(spaceId, danaCookie)
    expect(eliView.escalations.map((e) => [e.id, e.message])).toEqual([
      [raised.escalation.id, 'Still here?'],
    ])
    expect(danaView.escalations.map((e) => e.id)).toEqual([raised.escalation.id])

    // Dana came back in time, so the grace after the restart does not end it
    await new Promise((r) => setTimeout(r, GRACE_MS + 200))
    const active = await second.app.inject({
      method: 'GET',
      url: `/api/spaces/${spaceId}/escalations`,
      headers: { cookie: eliCookie },
    })
    expect(active.json().escalations.map((e: EscalationDto) => e.id)).toEqual([
      raised.escalation.id,
    ])
    expect(danaBack.connected).toBe(true)
    clients.closeAll()
  }, 120_000)

  it('[3] after a restart, a raiser who never comes back has the hand lowered after the grace', async () => {
    const { target, drop } = await durableDatabase(name)
    cleanups.push(drop)
    let url = ''
    const clients = new Clients(() => url)
    const first = await boot(target)
    url = first.url
    const danaCookie = await login(first.app, 'dana@flare.test')
    // logged in before the restart (sessions survive it), so Eli joins well within the grace
    // even on a loaded machine, where a password check takes a second
    const eliCookie = await login(first.app, 'eli@flare.test')
    const spaceId: string = (
      await first.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: danaCookie } })
    ).json().spaces[0].id
    const { client: dana } = await clients.join(spaceId, danaCookie)
    await emitAck(dana, 'escalation:raise', {
      notify: false,
      recipients: { userIds: [], groupIds: [] },
    })
    await first.app.close()
    clients.closeAll()

    const second = await boot(target)
    cleanups.push(() => second.app.close())
    url = second.url
    const { client: eli, snapshot } = await clients.join(spaceId, eliCookie)
    expect(snapshot.escalations).toHaveLength(1)
    const ended = await new Promise<EscalationEnded>((resolve) =>
      eli.once('escalation:ended', resolve),
    )
    expect(ended.reason).toBe('disconnected')
    clients.closeAll()
  }, 120_000)
})
