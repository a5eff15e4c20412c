import type { EscalationDto } from '@flare/protocol'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { buildApp } from '../src/app.js'
import { type Database, openDatabase } from '../src/db/database.js'
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js'
import { Clients, emitAck, refusalOf, snapshotOf } from './sockets.js'
import { databaseKinds, testConfig } from './support.js'

const redisUrl = process.env.TEST_REDIS_URL
const postgres = databaseKinds().find((k) => k.name === 'postgres')

if (!redisUrl || !postgres) {
  process.stdout.write(
    '[server tests] SKIPPED: the two-process Redis adapter test. It needs TEST_REDIS_URL ' +
      '(e.g. redis://127.0.0.1:6379) and TEST_DATABASE_URL.\n',
  )
}

describe.skipIf(!redisUrl || !postgres)(
  '[10] two server processes sharing one space through Redis',
  () => {
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
          cookieSecret: 'redis-test-cookie-secret-32-chars-long!',
          logger: false,
          realtimeLimits: { connectionsPerUser: 2 },
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

    it('a hand raised through one process reaches a member connected to the other', async () => {
      const [a, b] = apps
      if (!a || !b) throw new Error('apps')
      const login = async (app: FastifyInstance, email: string) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email, password: DEMO_PASSWORD },
        })
        return `flare_session=${res.cookies.find((c) => c.name === 'flare_session')?.value}`
      }
      const danaCookie = await login(a.app, 'dana@flare.test')
      const spaceId: string = (
        await a.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: danaCookie } })
      ).json().spaces[0].id
      const onA = new Clients(() => a.url)
      const onB = new Clients(() => b.url)
      try {
        const { client: dana } = await onA.join(spaceId, danaCookie)
        const { client: eli } = await onB.join(spaceId, await login(b.app, 'eli@flare.test'))
        const seen = new Promise<EscalationDto>((resolve) =>
          eli.once('escalation:started', resolve),
        )
        const ack = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
          message: 'across processes',
          notify: true,
          recipients: {
            userIds: [
              (
                await b.app.inject({
                  method: 'GET',
                  url: '/api/me',
                  headers: { cookie: await login(b.app, 'eli@flare.test') },
                })
              ).json().user.id,
            ],
            groupIds: [],
          },
        })
        expect(ack.ok).toBe(true)
        expect((await seen).message).toBe('across processes')
      } finally {
        onA.closeAll()
        onB.closeAll()
      }
    })

    it('[1] a token revoked through one process closes its socket and stream on the other; a removed member is closed everywhere', async () => {
      const [a, b] = apps
      if (!a || !b) throw new Error('apps')
      const login = async (email: string) => {
        const res = await a.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email, password: DEMO_PASSWORD },
        })
        return `flare_session=${res.cookies.find((c) => c.name === 'flare_session')?.value}`
      }
      const manager = await login('manager@flare.test')
      const me = (
        await a.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: manager } })
      ).json()
      const spaceId: string = me.spaces[0].id
      const created = (
        await a.app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { cookie: manager },
          payload: { name: 'cross-process' },
        })
      ).json()
      const onB = new Clients(() => b.url)
      try {
        const socket = onB.connect({ spaceId, token: created.secret })
        await snapshotOf(socket)
        const ws = new WebSocket(`${b.url.replace('http', 'ws')}/api/stream?spaceId=${spaceId}`, {
          headers: { authorization: `Bearer ${created.secret}` },
        })
        await new Promise((resolve) => ws.once('message', resolve))
        const streamClosed = new Promise<number>((resolve) => ws.once('close', resolve))
        const socketClosed = new Promise<string>((resolve) => socket.once('disconnect', resolve))
        const revoked = await a.app.inject({
          method: 'DELETE',
          url: `/api/tokens/${created.token.id}`,
          headers: { cookie: manager },
        })
        expect(revoked.statusCode).toBe(204)
        expect(await socketClosed).toBe('io server disconnect')
        expect(await streamClosed).toBe(1008)

        // a removed member: the admin acts on A, the member sits on B
        const gusCookie = await login('gus@flare.test')
        const { client: gus } = await onB.join(spaceId, gusCookie)
        const gusId: string = (
          await a.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: gusCookie } })
        ).json().user.id
        const gusClosed = new Promise<string>((resolve) => gus.once('disconnect', resolve))
        const removed = await a.app.inject({
          method: 'DELETE',
          url: `/api/spaces/${spaceId}/members/${gusId}`,
          headers: { cookie: await login('admin@flare.test') },
        })
        expect(removed.statusCode).toBe(204)
        expect(await gusClosed).toBe('io server disconnect')
      } finally {
        onB.closeAll()
      }
    })

    it('[2] counts one user’s connections across processes, from the presence replica: no round trip per handshake', async () => {
      const [a, b] = apps
      if (!a || !b) throw new Error('apps')
      const res = await a.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'fatima@flare.test', password: DEMO_PASSWORD },
      })
      const cookie = `flare_session=${res.cookies.find((c) => c.name === 'flare_session')?.value}`
      const spaceId: string = (
        await a.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
      ).json().spaces[0].id
      const onA = new Clients(() => a.url)
      const onB = new Clients(() => b.url)
      try {
        const fatimaId: string = (
          await a.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
        ).json().user.id
        await onA.join(spaceId, cookie)
        await onB.join(spaceId, cookie)
        // A counts B's connections from its presence replica, which hears of them within a flush
        await expect.poll(() => a.app.realtime.remoteConnections(fatimaId)).toBe(1)
        const third = onA.connect({ spaceId, cookie })
        expect(await refusalOf(third)).toMatchObject({ code: 'RATE_LIMITED' })
      } finally {
        onA.closeAll()
        onB.closeAll()
      }
    })
  },
)
