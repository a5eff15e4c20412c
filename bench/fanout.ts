// `npm run bench:fanout [-- --clients 2000 --raises 20]`: one space with thousands of members on
// one real Flare server process (PostgreSQL), against a bare Socket.IO server with the same
// clients, in the same run (SPEC §10.2, issue #16). Measures:
//   1. the join storm: every member connecting at once, until each has its snapshot and sees
//      every member present (bare: until each is connected and welcomed);
//   2. raise → `escalation:started` at every client (p50, p99 and the last client), members
//      raising and ending hands in turn (bare: a room emit of a payload of the same size);
//   3. server memory per connected client (RSS growth over the storm).
// It needs TEST_DATABASE_URL or DATABASE_URL (a server where the user may CREATE DATABASE),
// creates its own database and drops it. It prints figures and ratios and never asserts.
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { EscalationDto, PresenceUpdate, SpaceSnapshot } from '@flare/protocol'
import postgres from 'postgres'
import { io, type Socket } from 'socket.io-client'
import { openDatabase } from '../apps/server/src/db/database.js'
import { seedDemo } from '../apps/server/src/demo/seed.js'

const REPO = fileURLToPath(new URL('..', import.meta.url))

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer`)
  return value
}

const CLIENTS = option('clients', 2_000)
const RAISES = option('raises', 20)
const SECRET = randomBytes(32).toString('base64url')

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, index)] ?? Number.NaN
}

const fmt = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(1)} ms`)
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until(
  check: () => boolean,
  timeoutMs: number,
  what: string,
  progress?: () => string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  let told = performance.now()
  while (!check()) {
    const now = performance.now()
    if (now > deadline) throw new Error(`timed out waiting for ${what}`)
    if (progress && now - told > 10_000) {
      process.stderr.write(`  … ${what}: ${progress()}\n`)
      told = now
    }
    await sleep(5)
  }
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
}

function startChild(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString()
      if (ready.test(output)) resolve(child)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString()
    })
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}):\n${output}`)))
  })
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Members and their session cookies, written straight into the database. */
async function seedMembers(url: string): Promise<{ spaceId: string; cookies: string[] }> {
  const database = await openDatabase({ kind: 'postgres', url })
  await seedDemo(database)
  await database.close()
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [space] = await sql<Array<{ id: string }>>`select id from spaces limit 1`
    if (!space) throw new Error('no space')
    const cookies: string[] = []
    for (let from = 0; from < CLIENTS; from += 1_000) {
      const n = Math.min(1_000, CLIENTS - from)
      const people = Array.from({ length: n }, (_, i) => ({
        email: `bench-${from + i}@flare.test`,
        display_name: `Agent ${String(from + i).padStart(5, '0')}`,
        password_hash: 'bench: no password',
      }))
      const rows = await sql<Array<{ id: string }>>`insert into users ${sql(people)} returning id`
      await sql`insert into memberships ${sql(rows.map((r) => ({ space_id: space.id, user_id: r.id, role: 'agent' })))}`
      const sessions = rows.map((r) => {
        const token = randomBytes(32).toString('base64url')
        const signature = createHmac('sha256', SECRET)
          .update(token)
          .digest('base64')
          .replace(/=+$/, '')
        cookies.push(`flare_session=${encodeURIComponent(`${token}.${signature}`)}`)
        return {
          id: createHash('sha256').update(token).digest('hex'),
          user_id: r.id,
          expires_at: new Date(Date.now() + 86_400_000),
        }
      })
      await sql`insert into sessions ${sql(sessions)}`
    }
    return { spaceId: space.id, cookies }
  } finally {
    await sql.end()
  }
}

/** What one Flare client knows of who is present, as a bitmap over the bench's members. */
class PresenceCount {
  private static readonly index = new Map<string, number>()
  private readonly known = new Uint8Array(CLIENTS + 64)
  count = 0
  settledAt = 0
  snapshotAt = 0

  private slot(userId: string): number {
    let i = PresenceCount.index.get(userId)
    if (i === undefined) {
      i = PresenceCount.index.size
      PresenceCount.index.set(userId, i)
    }
    return i
  }

  load(snapshot: SpaceSnapshot): void {
    this.known.fill(0)
    this.count = 0
    this.snapshotAt = performance.now()
    for (const m of snapshot.members) this.add(m.userId)
  }

  apply(u: PresenceUpdate): void {
    if (u.kind === 'joined') this.add(u.member.userId)
    else if (u.kind === 'left') {
      const i = this.slot(u.userId)
      if (this.known[i]) {
        this.known[i] = 0
        this.count -= 1
      }
    }
  }

  private add(userId: string): void {
    const i = this.slot(userId)
    if (this.known[i]) return
    this.known[i] = 1
    this.count += 1
    if (this.count >= CLIENTS && !this.settledAt && this.snapshotAt)
      this.settledAt = performance.now()
  }
}

interface Side {
  name: string
  clients: Socket[]
  /** Receipt times of the current round's `escalation:started`, per client. */
  started: Float64Array
  ended: Uint8Array
}

function side(name: string, clients: Socket[]): Side {
  const s: Side = {
    name,
    clients,
    started: new Float64Array(clients.length),
    ended: new Uint8Array(clients.length),
  }
  clients.forEach((c, i) => {
    c.on('escalation:started', () => {
      if (!s.started[i]) s.started[i] = performance.now()
    })
    c.on('escalation:ended', () => {
      s.ended[i] = 1
    })
  })
  return s
}

async function round(
  s: Side,
  raise: () => Promise<void>,
  end: () => Promise<void>,
): Promise<number[]> {
  s.started.fill(0)
  s.ended.fill(0)
  const t0 = performance.now()
  await raise()
  await until(
    () => s.started.every((t) => t > 0),
    60_000,
    `${s.name}: started at every client`,
    () => `${s.started.filter((t) => t > 0).length} of ${s.started.length}`,
  )
  const latencies = Array.from(s.started, (t) => t - t0)
  await end()
  await until(
    () => s.ended.every((e) => e === 1),
    60_000,
    `${s.name}: ended at every client`,
    () => `${s.ended.filter((e) => e === 1).length} of ${s.ended.length}`,
  )
  return latencies
}

function emitAck(c: Socket, event: string, payload: unknown): Promise<unknown> {
  return new Promise((resolve) => c.emit(event, payload, resolve))
}

async function main(): Promise<void> {
  const baseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL
  if (!baseUrl) {
    process.stderr.write(
      'bench:fanout needs PostgreSQL: set TEST_DATABASE_URL (or DATABASE_URL), e.g.\n' +
        '  TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:fanout\n',
    )
    process.exit(2)
  }
  const name = `flare_fanout_${randomBytes(4).toString('hex')}`
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  const children: ChildProcess[] = []
  const sockets: Socket[] = []
  // an interrupted run still stops the servers it started
  const stop = () => {
    for (const child of children)
      if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
    process.exit(130)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const load = loadavg()[0] ?? 0
  process.stdout.write(
    `fanout benchmark: ${CLIENTS} clients in one space, ${RAISES} raises, node ${process.version}, ` +
      `load average ${load.toFixed(2)} at start\n`,
  )
  try {
    const { spaceId, cookies } = await seedMembers(url.toString())
    process.stderr.write('  … members seeded, starting the servers\n')
    const [flarePort, barePort] = await Promise.all([freePort(), freePort()])
    const [flare, bare] = await Promise.all([
      startChild(
        // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server
        [
          ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
          'apps/server/src/server.ts',
        ],
        {
          DATABASE_URL: url.toString(),
          PORT: String(flarePort),
          HOST: '127.0.0.1',
          SESSION_SECRET: SECRET,
          FLARE_DEMO: 'false',
          LOG_LEVEL: 'info',
          WEB_DIST: '/nonexistent',
        },
        /Server listening/,
      ),
      startChild(['bench/fanout-bare.ts'], { PORT: String(barePort) }, /listening/),
    ])
    children.push(flare, bare)
    const flareUrl = `http://127.0.0.1:${flarePort}`
    const bareUrl = `http://127.0.0.1:${barePort}`
    const connect = (to: string, options: Parameters<typeof io>[1] = {}) => {
      // a storm on a shared machine can take longer than the default 20 s to answer everyone,
      // and a connection the kernel's accept queue dropped is tried again, as a browser would
      const c = io(to, {
        transports: ['websocket'],
        reconnection: true,
        reconnectionDelay: 200,
        reconnectionDelayMax: 2_000,
        timeout: 600_000,
        forceNew: true,
        ...options,
      })
      sockets.push(c)
      return c
    }

    // 1. the join storms, bare first
    const bareRssBefore = rssKb(bare.pid ?? 0)
    let welcomed = 0
    const retried = { flare: 0, bare: 0 }
    const bareStart = performance.now()
    const bareClients = Array.from({ length: CLIENTS }, () => {
      const c = connect(bareUrl)
      c.once('welcome', () => {
        welcomed += 1
      })
      c.on('connect_error', () => {
        retried.bare += 1
      })
      c.on('connect_error', (e) => process.stderr.write(`bare connect_error: ${e.message}\n`))
      return c
    })
    await until(
      () => welcomed === CLIENTS,
      600_000,
      'the bare join storm',
      () => `${welcomed} of ${CLIENTS} welcomed`,
    )
    const bareStorm = performance.now() - bareStart
    await sleep(500)
    const bareRss = rssKb(bare.pid ?? 0) - bareRssBefore

    process.stderr.write(`  … bare storm: ${fmt(bareStorm)}\n`)
    const flareRssBefore = rssKb(flare.pid ?? 0)
    let refused = 0
    const views = cookies.map(() => new PresenceCount())
    const flareStart = performance.now()
    const flareClients = cookies.map((cookie, i) => {
      const c = connect(flareUrl, { auth: { spaceId }, extraHeaders: { cookie } })
      const view = views[i] ?? new PresenceCount()
      c.on('space:snapshot', (s: SpaceSnapshot) => view.load(s))
      c.on('presence:update', (u: PresenceUpdate) => view.apply(u))
      c.on('presence:batch', (us: PresenceUpdate[]) => {
        for (const u of us) view.apply(u)
      })
      c.on('connect_error', (e) => {
        // refused by the server itself (not a network retry): the run is broken
        if ('data' in e) {
          refused += 1
          process.stderr.write(`refused: ${JSON.stringify(e.data)}\n`)
        } else retried.flare += 1
      })
      return c
    })
    await until(
      () => {
        if (refused > 0) throw new Error(`${refused} connections refused`)
        return views.every((v) => v.settledAt > 0)
      },
      900_000,
      'the Flare join storm',
      () =>
        `${flareClients.filter((c) => c.connected).length} connected, ${views.filter((v) => v.snapshotAt).length} snapshots, ${views.filter((v) => v.settledAt).length} settled, ${retried.flare} retried`,
    )
    const flareStorm = Math.max(...views.map((v) => v.settledAt)) - flareStart
    const snapshotsIn = Math.max(...views.map((v) => v.snapshotAt)) - flareStart
    await sleep(500)
    const flareRss = rssKb(flare.pid ?? 0) - flareRssBefore

    // 2. raises and ends, alternating which server goes first
    const flareSide = side('flare', flareClients)
    const bareSide = side('bare', bareClients)
    const samples = { flare: [] as number[], bare: [] as number[] }
    const lasts = { flare: [] as number[], bare: [] as number[] }
    let payload: EscalationDto | null = null
    for (let r = 0; r < RAISES; r += 1) {
      const raiser = flareClients[r % flareClients.length]
      const bareRaiser = bareClients[r % bareClients.length]
      if (!raiser || !bareRaiser) throw new Error('no raiser')
      const runFlare = async () => {
        const latencies = await round(
          flareSide,
          async () => {
            const answer = await emitAck(raiser, 'escalation:raise', {
              message: `Bench hand ${String(r).padStart(3, '0')}: need help`,
              notify: false,
              recipients: { userIds: [], groupIds: [] },
            })
            const ok = answer as { ok: boolean; escalation?: EscalationDto }
            if (!ok.ok || !ok.escalation)
              throw new Error(`raise refused: ${JSON.stringify(answer)}`)
            payload = ok.escalation
          },
          async () => {
            await emitAck(raiser, 'escalation:end', {})
          },
        )
        samples.flare.push(...latencies)
        lasts.flare.push(Math.max(...latencies))
      }
      const runBare = async () => {
        // the same payload as Flare's hand, so both send messages of the same size
        const hand = payload ?? { id: 'x'.repeat(36), message: 'Bench hand 000: need help' }
        const latencies = await round(
          bareSide,
          async () => {
            await emitAck(bareRaiser, 'raise', hand)
          },
          async () => {
            await emitAck(bareRaiser, 'end', { id: 'x' })
          },
        )
        samples.bare.push(...latencies)
        lasts.bare.push(Math.max(...latencies))
      }
      if (r % 2 === 0 || !payload) {
        await runFlare()
        await runBare()
      } else {
        await runBare()
        await runFlare()
      }
      await sleep(100)
    }

    const stats = (xs: number[], last: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b)
      const lastSorted = [...last].sort((a, b) => a - b)
      return {
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        last: percentile(lastSorted, 50),
      }
    }
    const f = stats(samples.flare, lasts.flare)
    const b = stats(samples.bare, lasts.bare)
    const end = loadavg()[0] ?? 0
    const out = [
      '',
      `join storm (${CLIENTS} members at once)`,
      `  flare: ${fmt(flareStorm)} until every client sees all ${CLIENTS} present (snapshots all in at ${fmt(snapshotsIn)})`,
      `  bare Socket.IO: ${fmt(bareStorm)} until every client is connected and welcomed`,
      `  ratio: ${ratio(flareStorm, bareStorm)}`,
      `  connection attempts retried (dropped by the accept queue): flare ${retried.flare}, bare ${retried.bare}`,
      `raise → escalation:started at every client (${RAISES} raises, ${CLIENTS} clients each)`,
      `               p50        p99        last client (median of raises)`,
      `  flare     ${fmt(f.p50).padEnd(10)} ${fmt(f.p99).padEnd(10)} ${fmt(f.last)}`,
      `  bare      ${fmt(b.p50).padEnd(10)} ${fmt(b.p99).padEnd(10)} ${fmt(b.last)}`,
      `  ratio     ${ratio(f.p50, b.p50).padEnd(10)} ${ratio(f.p99, b.p99).padEnd(10)} ${ratio(f.last, b.last)}`,
      'server memory per connected client (RSS growth over the storm)',
      `  flare: ${((flareRss * 1024) / CLIENTS / 1024).toFixed(1)} kB, bare: ${((bareRss * 1024) / CLIENTS / 1024).toFixed(1)} kB`,
      `load average ${end.toFixed(2)} at the end (2 cores: above 2 means the machine was shared)`,
      '',
    ]
    process.stdout.write(out.join('\n'))
  } finally {
    for (const s of sockets) s.disconnect()
    // a graceful stop first (a server started with --cpu-prof writes its profile then)
    await Promise.all(
      children.map(async (child) => {
        if (!child.pid || child.exitCode !== null) return
        const exited = new Promise((r) => child.once('exit', r))
        process.kill(child.pid, 'SIGTERM')
        await Promise.race([exited, sleep(10_000)])
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL')
      }),
    )
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench:fanout failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    )
    process.exit(1)
  },
)
