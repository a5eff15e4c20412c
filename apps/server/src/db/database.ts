import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { type SQL, sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { schema } from './schema.js'

/** Where the SQL migrations live: the repo's `drizzle/` folder, shared by both drivers. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../../drizzle', import.meta.url))

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

/**
 * PGlite in a folder (or in memory when `dataDir` is null), or a real PostgreSQL.
 */
export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | null }
  | { kind: 'postgres'; url: string }

export interface Database {
  db: Db
  kind: DatabaseTarget['kind']
  /**
   * Raw SQL with rows back, the same shape on both drivers (PGlite answers `{rows}`, postgres.js
   * an array). `settings` are planner settings for this statement alone (`set_config(…, true)`
   * in a transaction of its own), e.g. `{jit: 'off'}` for a query known to gain nothing from it.
   */
  query<Row extends Record<string, unknown>>(
    statement: SQL,
    settings?: Readonly<Record<string, string>>,
  ): Promise<Row[]>
  /**
   * LISTEN on `channel`. `onListen` runs each time the listening connection is (re)established:
   * after an outage, that is the first sign the database is back.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onListen: () => void,
  ): Promise<() => Promise<void>>
  close(): Promise<void>
}

/**
 * postgres.js waits `backoff(retries)` seconds before reconnecting, and its default grows to
 * 20 s over an outage: work due when the database returns would wait that long. Capped at
 * a quarter of a second, the LISTEN connection (whose return wakes the timers) and then the pool's are
 * back within about half a second of the database; a refused connection attempt costs nothing.
 */
export function reconnectBackoff(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 0.25)
}

// any fixed number works: it only has to be the same in every Flare process
const MIGRATION_LOCK_ID = 7_261_731

/** Opens the database and brings its schema up to date before anyone uses it. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'pglite') {
    if (target.dataDir) await mkdir(target.dataDir, { recursive: true })
    const client = target.dataDir ? await PGlite.create(target.dataDir) : await PGlite.create()
    const db = drizzlePglite({ client, schema })
    // PGlite has a single connection inside this process, so no lock is needed
    await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER })
    return {
      db: db as unknown as Db,
      kind: 'pglite',
      async query<Row extends Record<string, unknown>>(
        statement: SQL,
        settings?: Readonly<Record<string, string>>,
      ) {
        if (!settings) return (await db.execute(statement)).rows as Row[]
        return db.transaction(async (tx) => {
          for (const [name, value] of Object.entries(settings)) {
            await tx.execute(sql`select set_config(${name}, ${value}, true)`)
          }
          return (await tx.execute(statement)).rows as Row[]
        })
      },
      async listen(channel, onNotify, onListen) {
        // one connection in this process: it cannot drop, so it listens once
        const unlisten = await client.listen(channel, onNotify)
        onListen()
        return () => unlisten()
      },
      close: () => client.close(),
    }
  }

  await migrateWithLock(target.url)
  const client = postgres(target.url, {
    max: 10,
    onnotice: () => {},
    backoff: reconnectBackoff,
  })
  const db = drizzlePostgres({ client, schema })
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    async query<Row extends Record<string, unknown>>(
      statement: SQL,
      settings?: Readonly<Record<string, string>>,
    ) {
      if (!settings) return [...(await db.execute(statement))] as Row[]
      return db.transaction(async (tx) => {
        for (const [name, value] of Object.entries(settings)) {
          await tx.execute(sql`select set_config(${name}, ${value}, true)`)
        }
        return [...(await tx.execute(statement))] as Row[]
      })
    },
    async listen(channel, onNotify, onListen) {
      // postgres.js re-issues LISTEN, and calls onListen, on every reconnection
      const { unlisten } = await client.listen(channel, onNotify, onListen)
      return unlisten
    },
    close: () => client.end({ timeout: 5 }),
  }
}

/**
 * Several server processes may start at once against one PostgreSQL: an advisory lock held
 * on one dedicated connection makes them apply the migrations one after another.
 */
async function migrateWithLock(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_ID})`
    await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: MIGRATIONS_FOLDER })
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`
  } finally {
    await client.end({ timeout: 5 })
  }
}
