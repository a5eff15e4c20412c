import type { WallboardCreated, WallboardMessage } from '@flare/protocol'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { buildApp } from '../src/app.js'
import { type Database, openDatabase } from '../src/db/database.js'
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js'
import { databaseKinds, testConfig } from './support.js'

const redisUrl = process.env.TEST_REDIS_URL
const postgres = databaseKinds().find((k) => k.name === 'postgres')

if (!redisUrl || !postgres) {
  process.stdout.write(
    '[server tests] SKIPPED: the two-process wallboard revocation test. It needs TEST_REDIS_URL ' +
      '(e.g. redis://127.0.0.1:6379) and TEST_DATABASE_URL.\n',
  )
}

describe.skipIf(!redisUrl || !postgres)('wallboards across two server processes', () => {
  const apps: Array<{ app: FastifyInstance; url: string; database: Database }> = []
  let drop: () => Promise<void> = async () => {}

  beforeAll(async () => {
    const fresh = await postgres!.fresh()
    drop = fresh.drop
    for (let i = 0; i < 2; i += 1) {
      const database = await openDatabase(fresh.target)
      if (i === 0) await seedDemo(database)
      const app = await buildApp({
        config: { ...testConfig({ REDIS_URL: redisUrl! }) },
        database,
        cookieSecret: 'wallboard-test-cookie-secret-32-chars!',
        logger: false,
      })
      await app.listen({ host: '127.0.0.1', port: 0 })
      const address = app.server.address()
      if (!address || typeof address === 'string') throw new Error('no port')
      apps.push({ app, database, url: `http://127.0.0.1:${address.port}` })
    }
  })
  afterAll(async () => {
    for (const { app } of apps) await app.close()
    await drop()
  })

  it('[8.5.2] revoking a link on one process closes the board held by the other within a second', async () => {
    const [a, b] = apps
    if (!a || !b) throw new Error('apps')
    const login = await a.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'manager@flare.test', password: DEMO_PASSWORD },
    })
    const cookie = `flare_session=${login.cookies.find((c) => c.name === 'flare_session')?.value}`
    const spaceId: string = (
      await a.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
    ).json().spaces[0].id
    const created: WallboardCreated = (
      await a.app.inject({
        method: 'POST',
        url: `/api/spaces/${spaceId}/wallboards`,
        headers: { cookie },
        payload: { name: 'Across processes' },
      })
    ).json()

    // the TV is connected to the other process
    const ws = new WebSocket(`${b.url.replace('http', 'ws')}/api/wallboard/live`)
    const messages: WallboardMessage[] = []
    const first = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        messages.push(JSON.parse(String(data)) as WallboardMessage)
        resolve()
      })
    })
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    ws.send(JSON.stringify({ token: created.token }))
    await first
    expect(messages[0]?.type).toBe('counts')

    const revoked = await a.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${spaceId}/wallboards/${created.wallboard.id}`,
      headers: { cookie },
    })
    expect(revoked.statusCode).toBe(200)
    // the boards' own recount, which would also notice, comes only every 5 s: a close within
    // a second is the authority channel's doing
    const code = await Promise.race([
      closed,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000)),
    ])
    expect(code, 'the board on the other process was still open a second later').toBe(1008)
    expect(messages.at(-1)).toEqual({ type: 'closed', reason: 'revoked' })
  })
})
