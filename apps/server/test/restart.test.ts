import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { type DatabaseTarget, openDatabase } from '../src/db/database.js'
import { DEMO_PASSWORD, DEMO_PEOPLE, seedDemo } from '../src/demo/seed.js'
import { resolveCookieSecret } from '../src/secrets-store.js'
import { databaseKinds, durableDatabase, testConfig } from './support.js'

/** One run of the server against the database, as `npm start` does it. */
async function boot(target: DatabaseTarget) {
  const database = await openDatabase(target)
  const demo = await seedDemo(database)
  const cookieSecret = await resolveCookieSecret(database, null)
  const app = await buildApp({ config: testConfig(), database, cookieSecret, logger: false })
  return { app, database, demo }
}

describe.each(databaseKinds().map((k) => k.name))('restart on %s', (name) => {
  const drops: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const drop of drops) await drop()
  })

  it('[10] keeps users, sessions and the space across a restart, and does not re-seed', async () => {
    const { target, drop } = await durableDatabase(name)
    drops.push(drop)

    const first = await boot(target)
    expect(first.demo?.people.map((p) => p.email)).toEqual(DEMO_PEOPLE.map((p) => p.email))
    const login = await first.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'dana@flare.test', password: DEMO_PASSWORD },
    })
    const cookie = `flare_session=${login.cookies.find((c) => c.name === 'flare_session')?.value}`
    const before = await first.database.query<{ users: number; spaces: number }>(
      sql`select (select count(*)::int from users) as users, (select count(*)::int from spaces) as spaces`,
    )
    await first.app.close()

    const second = await boot(target)
    const after = await second.database.query<{ users: number; spaces: number }>(
      sql`select (select count(*)::int from users) as users, (select count(*)::int from spaces) as spaces`,
    )
    expect(after).toEqual(before)
    expect(after[0]).toEqual({ users: 6, spaces: 1 })
    // the cookie signed before the restart still opens the same session
    const me = await second.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
    expect(me.statusCode).toBe(200)
    expect(me.json().spaces[0].name).toBe('Contact Center')
    await second.app.close()
  })

  it('[10] never seeds the demo into a database that already has users', async () => {
    const { target, drop } = await durableDatabase(name)
    drops.push(drop)
    const database = await openDatabase(target)
    await database.query(
      sql`insert into users (email, display_name, password_hash) values ('real@company.test', 'Real Person', 'x')`,
    )
    expect(await seedDemo(database)).toBeNull()
    const rows = await database.query<{ n: number }>(sql`select count(*)::int as n from spaces`)
    expect(rows[0]?.n).toBe(0)
    await database.close()
  })
})
