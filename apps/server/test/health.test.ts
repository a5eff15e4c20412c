import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PrivateRedis, privateRedisUnavailable } from './fault-support.js'
import { Clients, snapshotOf } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

const noRedis = privateRedisUnavailable()
if (noRedis) {
  if (process.env.CI === 'true') throw new Error(`CI=true but Redis cannot be started: ${noRedis}`)
  process.stdout.write(`[server tests] SKIPPED: starting with Redis down: ${noRedis}.\n`)
}

describe.each(databaseKinds())('/api/health on $name', (kind) => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp(kind)
  })
  afterAll(async () => {
    await t.close()
  })

  it('[12.2] answers 200 with the database up and Redis off when the server runs alone', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      status: 'ok',
      database: 'up',
      redis: 'off',
      databaseKind: kind.name,
      protocolVersion: 1,
    })
  })

  // a closed PGlite is no outage anyone meets; the fault suite stops a real PostgreSQL too
  it.skipIf(kind.name === 'pglite')(
    '[12.2] answers 503 naming the database when it does not answer',
    async () => {
      const closed = await startTestApp(kind)
      await closed.app.ready()
      await closed.database.close()
      try {
        const res = await closed.app.inject({ method: 'GET', url: '/api/health' })
        expect(res.statusCode).toBe(503)
        expect(res.json()).toMatchObject({ status: 'unavailable', database: 'down', redis: 'off' })
      } finally {
        // closing an app whose database is gone may fail; its database is dropped all the same
        await closed.close().catch(() => {})
      }
    },
  )
})

describe.skipIf(noRedis !== null)('[12.2] starting while Redis is down', () => {
  let redis: PrivateRedis
  let t: TestApp
  const clients = new Clients(() => url)
  let url = ''
  beforeAll(async () => {
    // a private Redis on a port of its own, not started yet: REDIS_URL points at nothing
    redis = await PrivateRedis.reserve()
  })
  afterAll(async () => {
    clients.closeAll()
    await t?.close()
    await redis.stop()
  })

  it('[12.2] starts, serves its own clients and reports Redis down; fine once Redis answers', async () => {
    const [pglite] = databaseKinds()
    if (!pglite) throw new Error('no PGlite')
    // nothing here may wait for Redis: listening must not hang on a subscription
    t = await startTestApp(pglite, { config: { REDIS_URL: redis.url } })
    url = await t.listen()
    const down = await t.app.inject({ method: 'GET', url: '/api/health' })
    expect(down.statusCode).toBe(503)
    expect(down.json()).toMatchObject({ status: 'unavailable', database: 'up', redis: 'down' })

    const snapshot = await snapshotOf(
      clients.connect({ spaceId: t.spaceId, cookie: await t.login('dana@flare.test') }),
    )
    expect(snapshot.members.map((m) => m.userId)).toContain(await t.userId('dana@flare.test'))

    await redis.start()
    await expect
      .poll(async () => (await t.app.inject({ method: 'GET', url: '/api/health' })).json(), {
        timeout: 10_000,
        interval: 100,
      })
      .toMatchObject({ status: 'ok', database: 'up', redis: 'up' })
    // the space followed while Redis was away is read from it now
    await expect.poll(() => t.app.realtime.presenceSynced(), { timeout: 5_000 }).toBe(true)
  }, 30_000)
})
