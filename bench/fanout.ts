// `npm run bench:fanout [-- --clients 2000 --raises 20 --workers 4 --presence-format rows]`: one space with thousands
// of members on one real Flare server process (PostgreSQL), against a bare Socket.IO server
// with the same clients, in the same run (SPEC §10.2, issue #16). The clients live in
// `--workers` client processes (`bench/fanout-clients.ts`), each holding an equal share of
// both servers' clients, so no single event loop parsing snapshots stalls them all. Measures:
//   1. the join storm: every member connecting at once, until each has its snapshot and sees
//      every member present (bare: until each is connected and welcomed);
//   2. raise → `escalation:started` at every client (p50, p99 and the last client), members
//      raising and ending hands in turn (bare: a room emit of a payload of the same size);
//   3. server memory per connected client (RSS growth over the storm).
// It needs TEST_DATABASE_URL or DATABASE_URL (a server where the user may CREATE DATABASE),
// creates its own database and drops it. It prints figures and ratios and never asserts.
import { type ChildProcess, fork, spawn } from 'node:child_process'
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { PRESENCE_FORMATS, type PresenceFormat } from '@flare/protocol/client'
import postgres from 'postgres'
import { openDatabase } from '../apps/server/src/db/database.js'
import { seedDemo } from '../apps/server/src/demo/seed.js'
import { type Command, epochNow, isReport, type Report, type Target } from './fanout-protocol.js'

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
/** Client processes; each holds a share of both servers' clients. */
const WORKERS = option('workers', 4)
/**
 * Socket.IO's ping timeout on both servers. Flare's own (5 s) up to 2,000 clients; beyond,
 * the simulated clients, all on this machine's cores, can fall further behind reading than a
 * browser on its own computer ever would, and would be dropped for it (`--ping-timeout` to
 * choose).
 */
const PING_TIMEOUT_MS = option('ping-timeout', CLIENTS > 2_000 ? 600_000 : 5_000)
/**
 * The presence format the Flare clients ask for: `rows`, as the web app does, unless
 * `--presence-format objects` (the contract's default shape, 2.2× the bytes).
 */
const PRESENCE_FORMAT = presenceFormatOption()
const SECRET = randomBytes(32).toString('base64url')

function presenceFormatOption(): PresenceFormat {
  const at = process.argv.indexOf('--presence-format')
  if (at < 0) return 'rows'
  const value = process.argv[at + 1]
  const format = PRESENCE_FORMATS.find((f) => f === value)
  if (!format) throw new Error(`--presence-format must be one of ${PRESENCE_FORMATS.join(', ')}`)
  return format
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, index)] ?? Number.NaN
}

const fmt = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(1)} ms`)
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
function cpuMs(pid: number): number {
  try {
    // fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return 0
  }
}
const CLOCK_TICKS = 100

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

/** One client process and what it has reported. */
class Worker {
  readonly reports: Report[] = []
  private readonly waiters: Array<{ match(r: Report): boolean; resolve(r: Report): void }> = []
  failure: string | null = null

  constructor(
    readonly child: ChildProcess,
    /** How many clients of each server this process holds. */
    readonly share: number,
    /** The first client (bench-wide index) this process holds. */
    readonly first: number,
  ) {
    child.on('message', (message: unknown) => {
      if (!isReport(message)) return
      if (message.type === 'failed') this.failure = message.message
      if (message.type === 'refused') this.failure = `connection refused: ${message.data}`
      if (message.type === 'progress') {
        process.stderr.write(
          `  … ${message.target} clients ${this.first}–${this.first + this.share - 1}: ${message.connected} connected, ${message.snapshots} snapshots, ${message.settled} settled, ${message.retried} retried${Object.keys(message.dropped).length > 0 ? `, dropped: ${JSON.stringify(message.dropped)}` : ''}\n`,
        )
      }
      const waiter = this.waiters.findIndex((w) => w.match(message))
      if (waiter >= 0) {
        const [w] = this.waiters.splice(waiter, 1)
        w?.resolve(message)
      } else this.reports.push(message)
    })
  }

  send(command: Command): void {
    this.child.send(command)
  }

  /** The next report of this type (and target), already received or still to come. */
  next<T extends Report['type']>(
    type: T,
    target: Target | null,
    timeoutMs: number,
  ): Promise<Extract<Report, { type: T }>> {
    const match = (r: Report): r is Extract<Report, { type: T }> =>
      r.type === type && (target === null || !('target' in r) || r.target === target)
    const at = this.reports.findIndex(match)
    if (at >= 0) {
      const [found] = this.reports.splice(at, 1)
      if (found && match(found)) return Promise.resolve(found)
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for '${type}' from clients ${this.first}…`))
      }, timeoutMs)
      const check = setInterval(() => {
        if (this.failure) {
          clearInterval(check)
          clearTimeout(timer)
          reject(new Error(`client process failed: ${this.failure}`))
        }
      }, 100)
      this.waiters.push({
        match,
        resolve: (r) => {
          clearInterval(check)
          clearTimeout(timer)
          if (match(r)) resolve(r)
        },
      })
    })
  }
}

async function startWorkers(count: number): Promise<Worker[]> {
  const base = Math.floor(CLIENTS / count)
  let first = 0
  return Promise.all(
    Array.from({ length: count }, (_, i) => {
      const share = base + (i < CLIENTS % count ? 1 : 0)
      const child = fork(fileURLToPath(new URL('./fanout-clients.ts', import.meta.url)), [], {
        // e.g. BENCH_CLIENT_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the clients
        execArgv: [
          ...(process.env.BENCH_CLIENT_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
          '--import',
          'tsx',
        ],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      const worker = new Worker(child, share, first)
      first += share
      return worker.next('ready', null, 60_000).then(() => worker)
    }),
  )
}

/** Where client `index` (bench-wide) lives: its process and its index there. */
function owner(workers: Worker[], index: number): { worker: Worker; local: number } {
  const worker = workers.find((w) => index >= w.first && index < w.first + w.share)
  if (!worker) throw new Error(`no process holds client ${index}`)
  return { worker, local: index - worker.first }
}

/** One raise and end at one server: each client's latency from the raise to its receipt. */
async function round(
  workers: Worker[],
  target: Target,
  index: number,
  message: string,
  payload: unknown,
): Promise<{ latencies: number[]; escalation: unknown }> {
  for (const w of workers) w.send({ type: 'arm', target })
  await Promise.all(workers.map((w) => w.next('armed', target, 30_000)))
  const { worker, local } = owner(workers, index)
  worker.send({ type: 'raise', target, index: local, message, payload })
  const [raised, ...started] = await Promise.all([
    worker.next('raised', target, 60_000),
    ...workers.map((w) => w.next('started', target, 120_000)),
  ])
  const latencies = started.flatMap((s) => s.times.map((t) => t - raised.t0))
  worker.send({ type: 'end', target, index: local })
  await Promise.all(workers.map((w) => w.next('ended', target, 120_000)))
  return { latencies, escalation: raised.escalation }
}

/** Connects every client to one server at once; answers when the last one settled. */
async function joinStorm(
  workers: Worker[],
  target: Target,
  url: string,
  spaceId: string,
  cookies: string[],
): Promise<{ storm: number; snapshots: number; messages: number; dropped: string }> {
  const t0 = epochNow()
  for (const w of workers) {
    w.send({
      type: 'storm',
      target,
      url,
      spaceId,
      cookies: cookies.slice(w.first, w.first + w.share),
      count: w.share,
      members: CLIENTS,
      presenceFormat: PRESENCE_FORMAT,
    })
  }
  const settled = await Promise.all(workers.map((w) => w.next('settled', target, 1_800_000)))
  return {
    storm: Math.max(...settled.map((s) => s.lastAt)) - t0,
    snapshots: Math.max(...settled.map((s) => s.snapshotsAt)) - t0,
    messages: settled.reduce((sum, s) => sum + s.messages, 0),
    dropped: droppedText(settled.map((s) => s.dropped)),
  }
}

/** Connections dropped (and so reconnected) during a storm, all client processes together. */
function droppedText(counts: Array<Record<string, number>>): string {
  const all: Record<string, number> = {}
  for (const c of counts)
    for (const [reason, n] of Object.entries(c)) all[reason] = (all[reason] ?? 0) + n
  const parts = Object.entries(all).map(([reason, n]) => `${n} ${reason}`)
  return parts.length > 0 ? `dropped and reconnected: ${parts.join(', ')}` : 'none dropped'
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
  // an interrupted run still stops the processes it started and drops its database
  const stop = () => {
    for (const child of children)
      if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
    admin
      .unsafe(`drop database if exists ${name} with (force)`)
      .catch(() => {})
      .finally(() => process.exit(130))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const load = loadavg()
  process.stdout.write(
    `fanout benchmark: ${CLIENTS} clients in one space, ${RAISES} raises, ${WORKERS} client processes, ` +
      `presence as ${PRESENCE_FORMAT}, ` +
      `ping timeout ${PING_TIMEOUT_MS / 1000} s on both servers, node ${process.version}, ` +
      `load average ${load.map((l) => l.toFixed(2)).join(' ')} at start\n`,
  )
  let workers: Worker[] = []
  try {
    const { spaceId, cookies } = await seedMembers(url.toString())
    process.stderr.write('  … members seeded, starting the servers and the client processes\n')
    const [flarePort, barePort] = await Promise.all([freePort(), freePort()])
    const [flare, bare] = await Promise.all([
      startChild(
        // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server
        [
          ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
          'bench/fanout-server.ts',
        ],
        {
          DATABASE_URL: url.toString(),
          PORT: String(flarePort),
          HOST: '127.0.0.1',
          SESSION_SECRET: SECRET,
          FLARE_DEMO: 'false',
          LOG_LEVEL: 'info',
          WEB_DIST: '/nonexistent',
          BENCH_PING_TIMEOUT_MS: String(PING_TIMEOUT_MS),
        },
        /Server listening/,
      ),
      startChild(
        ['bench/fanout-bare.ts'],
        { PORT: String(barePort), BENCH_PING_TIMEOUT_MS: String(PING_TIMEOUT_MS) },
        /listening/,
      ),
    ])
    children.push(flare, bare)
    workers = await startWorkers(WORKERS)
    children.push(...workers.map((w) => w.child))
    const flareUrl = `http://127.0.0.1:${flarePort}`
    const bareUrl = `http://127.0.0.1:${barePort}`

    // 1. the join storms, bare first
    const clientsCpu = () => workers.reduce((sum, w) => sum + cpuMs(w.child.pid ?? 0), 0)
    const bareRssBefore = rssKb(bare.pid ?? 0)
    let serverCpu = cpuMs(bare.pid ?? 0)
    let clientCpu = clientsCpu()
    const bareStorm = await joinStorm(workers, 'bare', bareUrl, '', [])
    const bareCpu = { server: cpuMs(bare.pid ?? 0) - serverCpu, clients: clientsCpu() - clientCpu }
    await sleep(500)
    const bareRss = rssKb(bare.pid ?? 0) - bareRssBefore
    process.stderr.write(`  … bare storm: ${fmt(bareStorm.storm)}\n`)
    const flareRssBefore = rssKb(flare.pid ?? 0)
    serverCpu = cpuMs(flare.pid ?? 0)
    clientCpu = clientsCpu()
    const flareStorm = await joinStorm(workers, 'flare', flareUrl, spaceId, cookies)
    const flareCpu = {
      server: cpuMs(flare.pid ?? 0) - serverCpu,
      clients: clientsCpu() - clientCpu,
    }
    await sleep(500)
    const flareRss = rssKb(flare.pid ?? 0) - flareRssBefore
    process.stderr.write(`  … flare storm: ${fmt(flareStorm.storm)}\n`)

    // 2. raises and ends, alternating which server goes first
    const samples = { flare: [] as number[], bare: [] as number[] }
    const lasts = { flare: [] as number[], bare: [] as number[] }
    let payload: unknown = null
    for (let r = 0; r < RAISES; r += 1) {
      const index = (r * 97) % CLIENTS
      const message = `Bench hand ${String(r).padStart(3, '0')}: need help`
      const runFlare = async () => {
        const { latencies, escalation } = await round(workers, 'flare', index, message, null)
        payload = escalation
        samples.flare.push(...latencies)
        lasts.flare.push(Math.max(...latencies))
      }
      const runBare = async () => {
        // the same payload as Flare's hand, so both send messages of the same size
        const hand = payload ?? { id: 'x'.repeat(36), message }
        const { latencies } = await round(workers, 'bare', index, message, hand)
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
    const end = loadavg()
    const out = [
      '',
      `join storm (${CLIENTS} members at once, from ${WORKERS} client processes)`,
      `  flare: ${fmt(flareStorm.storm)} until every client sees all ${CLIENTS} present (snapshots all in at ${fmt(flareStorm.snapshots)}; ${(flareStorm.messages / CLIENTS).toFixed(1)} messages per client; ${flareStorm.dropped})`,
      `  bare Socket.IO: ${fmt(bareStorm.storm)} until every client is connected and welcomed (${bareStorm.dropped})`,
      `  ratio: ${ratio(flareStorm.storm, bareStorm.storm)}`,
      `  CPU used meanwhile: flare server ${fmt(flareCpu.server)}, its clients ${fmt(flareCpu.clients)}; bare server ${fmt(bareCpu.server)}, its clients ${fmt(bareCpu.clients)}`,
      `raise → escalation:started at every client (${RAISES} raises, ${CLIENTS} clients each)`,
      `               p50        p99        last client (median of raises)`,
      `  flare     ${fmt(f.p50).padEnd(10)} ${fmt(f.p99).padEnd(10)} ${fmt(f.last)}`,
      `  bare      ${fmt(b.p50).padEnd(10)} ${fmt(b.p99).padEnd(10)} ${fmt(b.last)}`,
      `  ratio     ${ratio(f.p50, b.p50).padEnd(10)} ${ratio(f.p99, b.p99).padEnd(10)} ${ratio(f.last, b.last)}`,
      'server memory per connected client (RSS growth over the storm)',
      `  flare: ${((flareRss * 1024) / CLIENTS / 1024).toFixed(1)} kB, bare: ${((bareRss * 1024) / CLIENTS / 1024).toFixed(1)} kB`,
      `load average ${end.map((l) => l.toFixed(2)).join(' ')} at the end (1, 5, 15 min; 2 cores: above 2 means the machine was shared)`,
      '',
    ]
    process.stdout.write(out.join('\n'))
  } finally {
    for (const w of workers) {
      if (w.child.connected) w.send({ type: 'close' })
    }
    // a graceful stop first (a server started with --cpu-prof writes its profile then)
    await Promise.all(
      children.map(async (child) => {
        if (!child.pid || child.exitCode !== null) return
        const exited = new Promise((r) => child.once('exit', r))
        if (!workers.some((w) => w.child === child)) process.kill(child.pid, 'SIGTERM')
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
