import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Where PostgreSQL's server programs are: `PG_BIN`, or Debian's PostgreSQL 15. */
export function postgresBin(): string | null {
  const dir = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'
  return existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')) ? dir : null
}

/** A PostgreSQL of the test's own, on a free port, that the test may stop and start. */
export interface PrivatePostgres {
  url: string
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops it if running and removes its files. */
  destroy(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

/**
 * initdb refuses to run as root (STACK-NOTES trap 14): as root, the programs run as the
 * `postgres` user, over a folder it owns.
 */
async function asOwner(bin: string, program: string, args: string[]): Promise<void> {
  const command = [path.join(bin, program), ...args]
  if (process.getuid?.() === 0) {
    const quoted = command.map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' ')
    await run('su', ['postgres', '-c', quoted])
  } else {
    await run(command[0]!, command.slice(1))
  }
}

/** Creates and starts a private PostgreSQL (trust authentication, user `postgres`). */
export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flare-pg-'))
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: group } = await run('id', ['-g', 'postgres'])
    await chown(dir, Number(stdout.trim()), Number(group.trim()))
  }
  const data = path.join(dir, 'data')
  await asOwner(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const port = await freePort()
  let running = false
  const pgCtl = (...args: string[]) => asOwner(bin, 'pg_ctl', ['-D', data, ...args])
  const instance: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await pgCtl(
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        '-l',
        path.join(dir, 'log'),
        '-w',
        'start',
      )
      running = true
    },
    async stop() {
      // fast: sessions are ended at once, as when a database server goes away
      await pgCtl('-m', 'fast', '-w', 'stop')
      running = false
    },
    async destroy() {
      if (running) await instance.stop().catch(() => {})
      await rm(dir, { recursive: true, force: true })
    },
  }
  await instance.start()
  return instance
}
