import type { EscalationDto, EscalationEnded, SpaceSnapshot } from '@flare/protocol'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../src/db/database.js'
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js'
import {
  faultSuiteUnavailable,
  PrivatePostgres,
  PrivateRedis,
  ServerProcess,
} from './fault-support.js'
import { type Client, Clients, emitAck, snapshotOf } from './sockets.js'

// The fault suite: real server processes on a private PostgreSQL and a private Redis, which it
// stops and starts itself (STACK-NOTES trap 14). Bounded: about two minutes in all.
const unavailable = faultSuiteUnavailable()
if (unavailable) {
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but the fault suite cannot run: ${unavailable}`)
  }
  process.stdout.write(
    `[server tests] SKIPPED: the fault suite (server processes killed, Redis and PostgreSQL stopped): ${unavailable}.\n`,
  )
}

const GRACE_MS = 3_000
const LEASE_MS = 2_000
const REDIS_OUTAGE_MS = 30_000
const POSTGRES_OUTAGE_MS = 10_000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Everything a client has seen of the hands, kept as the browser keeps it. */
class HandsView {
  readonly active = new Map<string, EscalationDto>()
  readonly started: string[] = []
  readonly ended: EscalationEnded[] = []
  constructor(client: Client) {
    client.on('space:snapshot', (s: SpaceSnapshot) => {
      this.active.clear()
      for (const e of s.escalations) this.active.set(e.id, e)
    })
    client.on('escalation:started', (e) => {
      this.started.push(e.id)
      this.active.set(e.id, e)
    })
    client.on('escalation:ended', (e) => {
      this.ended.push(e)
      this.active.delete(e.id)
    })
  }
}

describe.skipIf(unavailable !== null)(
  '[12] faults: processes killed, Redis and PostgreSQL stopped',
  () => {
    let pg: PrivatePostgres
    let redis: PrivateRedis
    let env: Record<string, string>
    const servers: ServerProcess[] = []
    const clients: Clients[] = []
    let spaceId = ''
    const cookies = new Map<string, string>()
    const ids = new Map<string, string>()
    let a: ServerProcess
    let b: ServerProcess

    function on(server: ServerProcess): Clients {
      const c = new Clients(() => server.url)
      clients.push(c)
      return c
    }

    async function startServer(): Promise<ServerProcess> {
      const server = await ServerProcess.start(env)
      servers.push(server)
      return server
    }

    async function activeHands(server: ServerProcess): Promise<EscalationDto[]> {
      const res = await fetch(`${server.url}/api/spaces/${spaceId}/escalations`, {
        headers: { cookie: cookies.get('admin@flare.test') ?? '' },
      })
      return ((await res.json()) as { escalations: EscalationDto[] }).escalations
    }

    beforeAll(async () => {
      ;[pg, redis] = await Promise.all([PrivatePostgres.create(), PrivateRedis.create()])
      const seeding = await openDatabase({ kind: 'postgres', url: pg.url })
      await seedDemo(seeding)
      await seeding.close()
      env = {
        DATABASE_URL: pg.url,
        REDIS_URL: redis.url,
        LOG_LEVEL: 'warn',
        FLARE_DEMO: 'false',
        SESSION_SECRET: 'fault-suite-session-secret-of-32-chars!!',
        FAULT_GRACE_MS: String(GRACE_MS),
        FAULT_LEASE_MS: String(LEASE_MS),
      }
      ;[a, b] = await Promise.all([startServer(), startServer()])
      for (const email of [
        'admin@flare.test',
        'dana@flare.test',
        'eli@flare.test',
        'fatima@flare.test',
        'gus@flare.test',
      ]) {
        const res = await fetch(`${a.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: DEMO_PASSWORD }),
        })
        const cookie = res.headers.getSetCookie().find((c) => c.startsWith('flare_session='))
        if (!cookie) throw new Error(`login failed for ${email}`)
        cookies.set(email, cookie.split(';')[0] ?? '')
        const me = (await (
          await fetch(`${a.url}/api/me`, { headers: { cookie: cookies.get(email) ?? '' } })
        ).json()) as { user: { id: string }; spaces: Array<{ id: string }> }
        ids.set(email, me.user.id)
        spaceId = me.spaces[0]?.id ?? ''
      }
    }, 120_000)

    afterAll(async () => {
      for (const c of clients) c.closeAll()
      for (const s of servers) await s.kill('SIGKILL')
      await redis?.stop()
      await pg?.destroy()
    }, 60_000)

    const cookie = (email: string) => cookies.get(email) ?? ''

    it('[12.1] a client on A gets a snapshot listing a member connected only to B', async () => {
      const { client: eliOnB } = await on(b).join(spaceId, cookie('eli@flare.test'))
      await expect
        .poll(
          async () => {
            const c = on(a).connect({ spaceId, cookie: cookie('dana@flare.test') })
            const snapshot = await snapshotOf(c)
            c.disconnect()
            return snapshot.members.some((m) => m.userId === ids.get('eli@flare.test'))
          },
          { timeout: 10_000 },
        )
        .toBe(true)
      eliOnB.disconnect()
    }, 60_000)

    it('[12.1] a third process starting while hands are up on A ends none of them', async () => {
      const { client: dana } = await on(a).join(spaceId, cookie('dana@flare.test'))
      const raised = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
        message: 'third process',
        notify: false,
        recipients: { userIds: [], groupIds: [] },
      })
      if (!raised.ok) throw new Error(JSON.stringify(raised.error))
      const c = await startServer()
      // past the new process's restart grace, with room to spare
      await sleep(GRACE_MS * 2)
      expect((await activeHands(c)).map((e) => e.id)).toContain(raised.escalation.id)
      await c.kill('SIGTERM')
      await emitAck(dana, 'escalation:end', {})
      dana.disconnect()
    }, 90_000)

    it('[10.3] kill -9 of A mid-wave: nothing lost, nothing twice, the survivor finishes; the dead process’s raisers’ hands end after the grace', async () => {
      const watcher = (await on(b).join(spaceId, cookie('admin@flare.test'))).client
      const seen = new HandsView(watcher)
      const onA = await Promise.all(
        ['dana@flare.test', 'eli@flare.test'].map((e) => on(a).join(spaceId, cookie(e))),
      )
      const onB = await Promise.all(
        ['fatima@flare.test', 'gus@flare.test'].map((e) => on(b).join(spaceId, cookie(e))),
      )
      const raise = (c: Client, message: string) =>
        emitAck<{ escalation: EscalationDto }>(c, 'escalation:raise', {
          message,
          notify: false,
          recipients: { userIds: [], groupIds: [] },
        })
      // the wave: everyone raises at once, and A dies while it is under way
      const fromA = onA.map(({ client }, i) => raise(client, `wave A${i}`))
      const fromB = onB.map(({ client }, i) => raise(client, `wave B${i}`))
      await a.kill('SIGKILL')
      const answersB = await Promise.all(fromB)
      const answersA = await Promise.all(
        fromA.map((p) => Promise.race([p, sleep(2_000).then(() => null)])),
      )
      // the survivor finished its part of the wave
      for (const answer of answersB) expect(answer.ok).toBe(true)

      // nothing lost: every hand acknowledged, and every hand stored, reached the watcher on B
      const sql = postgres(pg.url, { max: 1, onnotice: () => {} })
      try {
        const stored = await sql<Array<{ id: string; message: string }>>`
        select id, message from escalations where message like 'wave %'`
        const acknowledged = [...answersA, ...answersB].flatMap((r) =>
          r?.ok ? [r.escalation.id] : [],
        )
        for (const id of acknowledged) expect(stored.map((s) => s.id)).toContain(id)
        await expect
          .poll(() => stored.every((s) => seen.started.includes(s.id) || seen.active.has(s.id)), {
            timeout: 5_000,
          })
          .toBe(true)
        // nothing twice: one row per raiser, one started per hand
        expect(new Set(stored.map((s) => s.message)).size).toBe(stored.length)
        expect(new Set(seen.started).size).toBe(seen.started.length)

        // A's raisers are gone with A: after its lease and the grace, B ends their hands, once each
        const fromDead = stored.filter((s) => s.message.startsWith('wave A')).map((s) => s.id)
        await expect
          .poll(() => fromDead.every((id) => seen.ended.some((e) => e.id === id)), {
            timeout: LEASE_MS * 2 + GRACE_MS * 2 + 5_000,
          })
          .toBe(true)
        for (const id of fromDead) {
          const endings = seen.ended.filter((e) => e.id === id)
          expect(endings).toHaveLength(1)
          expect(endings[0]?.reason).toBe('disconnected')
        }
        // B's raisers are still connected: theirs stay up
        const fromLiving = stored.filter((s) => s.message.startsWith('wave B')).map((s) => s.id)
        expect(fromLiving.every((id) => seen.active.has(id))).toBe(true)
        expect(b.running).toBe(true)
      } finally {
        await sql.end()
        for (const { client } of onB) await emitAck(client, 'escalation:end', {})
        for (const c of clients) c.closeAll()
      }
      a = await startServer()
    }, 120_000)

    it('[12.2] Redis stopped for 30 s: both processes live on, and a hand raised meanwhile shows on every client within 5 s of its return', async () => {
      const eliOnA = (await on(a).join(spaceId, cookie('eli@flare.test'))).client
      const gusOnB = (await on(b).join(spaceId, cookie('gus@flare.test'))).client
      const fatimaOnB = (await on(b).join(spaceId, cookie('fatima@flare.test'))).client
      const views = [new HandsView(eliOnA), new HandsView(gusOnB)]

      await redis.stop()
      await sleep(1_000)
      const health = await fetch(`${a.url}/api/health`)
      expect(health.status).toBe(503)
      expect(await health.json()).toMatchObject({
        status: 'unavailable',
        redis: 'down',
        database: 'up',
      })
      const raised = await emitAck<{ escalation: EscalationDto }>(fatimaOnB, 'escalation:raise', {
        message: 'during the outage',
        notify: false,
        recipients: { userIds: [], groupIds: [] },
      })
      expect(raised.ok).toBe(true)
      if (!raised.ok) return
      await sleep(REDIS_OUTAGE_MS - 1_000)
      expect(a.running && b.running).toBe(true)
      expect(eliOnA.connected && gusOnB.connected && fatimaOnB.connected).toBe(true)

      await redis.start()
      const back = Date.now()
      await expect
        .poll(() => views.every((v) => v.active.has(raised.escalation.id)), {
          timeout: 5_000,
          interval: 50,
        })
        .toBe(true)
      const shownAfter = Date.now() - back
      expect(shownAfter).toBeLessThanOrEqual(5_000)
      process.stdout.write(
        `[faults] the hand raised during the Redis outage reached every client ${shownAfter} ms after Redis returned\n`,
      )
      expect(a.running && b.running).toBe(true)
      // one clear line per process when it went, not one per retry
      for (const server of [a, b]) {
        expect(server.lines('Redis is unreachable')).toHaveLength(1)
      }
      for (const server of [a, b]) {
        await expect
          .poll(async () => (await fetch(`${server.url}/api/health`)).status, { timeout: 5_000 })
          .toBe(200)
      }
      // presence is whole again: a snapshot on A lists the members connected only to B
      await expect
        .poll(
          async () => {
            const c = on(a).connect({ spaceId, cookie: cookie('admin@flare.test') })
            const snapshot = await snapshotOf(c)
            c.disconnect()
            return ['gus@flare.test', 'fatima@flare.test'].every((e) =>
              snapshot.members.some((m) => m.userId === ids.get(e)),
            )
          },
          { timeout: 5_000 },
        )
        .toBe(true)
      await emitAck(fatimaOnB, 'escalation:end', {})
      for (const c of clients) c.closeAll()
    }, 120_000)

    it('[12.2] PostgreSQL stopped for 10 s: actions answer UNAVAILABLE, sockets stay, everything resumes', async () => {
      const { client: dana } = await on(a).join(spaceId, cookie('dana@flare.test'))
      const { client: eli } = await on(b).join(spaceId, cookie('eli@flare.test'))
      await pg.stop()
      const refused = await emitAck(dana, 'escalation:raise', {
        notify: false,
        recipients: { userIds: [], groupIds: [] },
      })
      expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } })
      const rest = await fetch(`${b.url}/api/spaces/${spaceId}/escalations`, {
        headers: { cookie: cookie('eli@flare.test') },
      })
      expect(rest.status).toBe(503)
      expect(await rest.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } })
      const health = await fetch(`${b.url}/api/health`)
      expect(health.status).toBe(503)
      expect(await health.json()).toMatchObject({ database: 'down' })
      // presence lives in memory and Redis: moving still works
      expect(await emitAck(eli, 'presence:move', { x: 300, y: 300 })).toMatchObject({ ok: true })
      await sleep(POSTGRES_OUTAGE_MS)
      expect(dana.connected && eli.connected).toBe(true)
      expect(a.running && b.running).toBe(true)

      await pg.start()
      await expect
        .poll(
          async () =>
            (
              await emitAck(dana, 'escalation:raise', {
                notify: false,
                recipients: { userIds: [], groupIds: [] },
              })
            ).ok,
          { timeout: 15_000, interval: 500 },
        )
        .toBe(true)
      expect((await fetch(`${b.url}/api/health`)).status).toBe(200)
      await emitAck(dana, 'escalation:end', {})
    }, 90_000)
  },
)
