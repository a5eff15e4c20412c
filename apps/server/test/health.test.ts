import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

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
        await closed.app.close().catch(() => {})
      }
    },
  )
})
