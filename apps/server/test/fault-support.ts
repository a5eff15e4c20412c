// Private PostgreSQL and Redis instances and real Flare server processes for the fault suite.
// Everything here is started by this file and stopped by the PIDs it recorded: the machine's
// shared services are never touched.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('../../..', import.meta.url))
const SERVER_ENTRY = fileURLToPath(new URL('./fault-server.ts', import.meta.url))

/** Where PostgreSQL's server binaries are (`/usr/lib/postgresql/<version>/bin`), or null. */
function postgresBin(): string | null {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
  for (const v of versions) {
    const bin = path.join(root, v, 'bin')
    if (existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl'))) return bin
  }
  return null
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const file = path.join(dir, name)
    if (dir && existsSync(file)) return file
  }
  return null
}

/** Why a private Redis cannot be started here, or null when it can. */
export function privateRedisUnavailable(): string | null {
  return onPath('redis-server') ? null : 'redis-server is not installed'
}

/** Why the fault suite cannot run here, or null when it can. */
export function faultSuiteUnavailable(): string | null {
  if (!postgresBin()) return 'PostgreSQL server binaries (initdb, pg_ctl) are not installed'
  if (!onPath('redis-server')) return 'redis-server is not installed'
  // initdb refuses to run as root: as root it runs as the postgres user, otherwise as us
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' })
    } catch {
      return 'running as root, and there is no postgres user to run initdb as'
    }
  }
  return null
}

/** Runs a PostgreSQL server program: as the postgres user when we are root, else as ourselves. */
function asPostgres(command: string): void {
  if (process.getuid?.() === 0) execFileSync('su', ['postgres', '-c', command], { stdio: 'ignore' })
  else execFileSync('sh', ['-c', command], { stdio: 'ignore' })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A PostgreSQL cluster of our own, in a temporary folder, on a free port. */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  static async create(): Promise<PrivatePostgres> {
    const bin = postgresBin()
    if (!bin) throw new Error('no PostgreSQL binaries')
    const dir = mkdtempSync(path.join(tmpdir(), 'flare-fault-pg-'))
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir])
    asPostgres(`${bin}/initdb -D ${dir}/data -A trust -U postgres`)
    const pg = new PrivatePostgres(dir, await freePort(), bin)
    await pg.start()
    return pg
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`
  }

  /** The postmaster's PID, from its pid file (null when stopped). */
  pid(): number | null {
    const file = path.join(this.dir, 'data', 'postmaster.pid')
    if (!existsSync(file)) return null
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0])
    return pid > 0 && alive(pid) ? pid : null
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`
    asPostgres(`${this.bin}/pg_ctl -D ${this.dir}/data -o '${options}' -l ${this.dir}/log -w start`)
    await until(() => this.pid() !== null, 15_000, 'PostgreSQL to start')
  }

  /** Stops it by its PID (a fast shutdown: open connections are cut, as in an outage). */
  async stop(): Promise<void> {
    const pid = this.pid()
    if (!pid) return
    process.kill(pid, 'SIGINT')
    await until(() => !alive(pid), 15_000, 'PostgreSQL to stop')
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => {})
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** A Redis of our own on a free port, without persistence; restartable on the same port. */
export class PrivateRedis {
  private child: ChildProcess | null = null
  private constructor(readonly port: number) {}

  static async create(): Promise<PrivateRedis> {
    const redis = await PrivateRedis.reserve()
    await redis.start()
    return redis
  }

  /** One on a free port, not started yet: a Redis that is down when the server starts. */
  static async reserve(): Promise<PrivateRedis> {
    return new PrivateRedis(await freePort())
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    this.child = child
    let out = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
    })
    await until(() => out.includes('Ready to accept connections'), 10_000, 'Redis to start')
  }

  async stop(): Promise<void> {
    const child = this.child
    if (!child?.pid || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    process.kill(child.pid, 'SIGKILL')
    await exited
    this.child = null
  }
}

/** A real Flare server process (`node --import tsx`), so it can be killed with SIGKILL. */
export class ServerProcess {
  output = ''
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(env: Record<string, string>): Promise<ServerProcess> {
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY], {
      cwd: REPO,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`)
    child.stdout?.on('data', (d: Buffer) => {
      server.output += d.toString()
    })
    child.stderr?.on('data', (d: Buffer) => {
      server.output += d.toString()
    })
    await until(
      () => {
        if (child.exitCode !== null) throw new Error(`server exited early:\n${server.output}`)
        return server.output.includes(`flare-fault-server ready ${port}`)
      },
      60_000,
      'a server process to listen',
    )
    return server
  }

  get pid(): number {
    return this.child.pid ?? 0
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Log lines (JSON) whose message contains `text`. */
  lines(text: string): string[] {
    return this.output.split('\n').filter((l) => l.includes(text))
  }

  async kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    if (!this.running) return
    const exited = new Promise((r) => this.child.once('exit', r))
    process.kill(this.pid, signal)
    await exited
  }
}
