import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { hashSecret } from '../src/auth/secrets.js'
import { type Database, openDatabase } from '../src/db/database.js'
import { inboxes } from '../src/db/schema.js'
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js'
import { serializeError } from '../src/logging.js'
import { databaseKinds, testConfig } from './support.js'

interface LogLine {
  level: number
  reqId?: string
  msg?: string
  req?: { url?: string }
  err?: Record<string, unknown>
}

/** Every line the app logs, as written (JSON), for looking for what must not be there. */
class LogCollector extends Writable {
  readonly lines: string[] = []
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean))
    done()
  }
  parsed(): LogLine[] {
    return this.lines.map((line) => JSON.parse(line) as LogLine)
  }
  text(): string {
    return this.lines.join('\n')
  }
  /** The error line of the request made to `url`, found through that request's id. */
  errorOf(url: string): LogLine {
    const lines = this.parsed()
    const incoming = lines.find((l) => l.msg === 'incoming request' && l.req?.url === url)
    const failed = lines.find((l) => l.level >= 50 && l.reqId === incoming?.reqId)
    if (!incoming?.reqId || !failed) throw new Error(`no error logged for ${url}`)
    return failed
  }
}

describe.each(databaseKinds())('[12] error logs on $name', (kind) => {
  let database: Database
  let app: FastifyInstance
  let drop: () => Promise<void>
  const log = new LogCollector()

  beforeAll(async () => {
    const fresh = await kind.fresh()
    drop = fresh.drop
    database = await openDatabase(fresh.target)
    await seedDemo(database)
    app = await buildApp({
      config: testConfig(),
      database,
      cookieSecret: 'test-cookie-secret-of-at-least-32-chars!',
      logger: { level: 'info', stream: log },
      scheduler: false,
    })
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await drop?.()
  })

  async function managerCookie(): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'manager@flare.test', password: DEMO_PASSWORD },
    })
    const cookie = res.cookies.find((c) => c.name === 'flare_session')
    if (!cookie) throw new Error(`login failed: ${res.body}`)
    return `flare_session=${cookie.value}`
  }

  it('[12] a failed customer message logs its request id and the error, not the customer or the secret', async () => {
    const [inbox] = await database.db.select().from(inboxes)
    if (!inbox) throw new Error('the demo has no inbox')
    // a constraint the message breaks: PostgreSQL refuses it and echoes the row in its detail
    await database.query(
      sql.raw(
        "alter table ticket_messages add constraint no_orders check (body not like '%order%') not valid",
      ),
    )
    const url = `/api/inbound/inboxes/${inbox.id}/messages`
    const customer = {
      customer: { name: 'Zelda Quintrell', phone: '+15557654321', email: 'zelda@customer.test' },
      body: 'Where is my order 4417-PRIVATE?',
      messageId: 'provider-msg-88',
    }
    const res = await app.inject({
      method: 'POST',
      url,
      headers: { 'x-flare-inbox-secret': inbox.webhookSecret },
      payload: customer,
    })
    await database.query(sql.raw('alter table ticket_messages drop constraint no_orders'))
    expect(res.statusCode).toBe(500)
    expect(res.body).not.toContain('4417')

    const failed = log.errorOf(url)
    expect(failed.reqId).toMatch(/\S/)
    expect(failed.err?.message).toBe('database query failed')
    // the SQLSTATE and the names of what was involved remain, to find the bug
    expect(JSON.stringify(failed.err)).toContain('"code":"23514"')
    expect(JSON.stringify(failed.err)).toContain('no_orders')
    for (const secret of [
      'Zelda',
      'Quintrell',
      '5557654321',
      'zelda@customer.test',
      '4417-PRIVATE',
      'provider-msg-88',
      inbox.webhookSecret,
    ]) {
      expect(log.text()).not.toContain(secret)
    }
  })

  it('[12] a failed token lookup logs its request id and the error, not the token, its hash or its prefix', async () => {
    const cookie = await managerCookie()
    const created = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie },
      payload: { name: 'log probe' },
    })
    expect(created.statusCode).toBe(201)
    const { secret: token, token: listed } = created.json<{
      secret: string
      token: { prefix: string }
    }>()
    await database.query(sql.raw('alter table api_tokens rename to api_tokens_away'))
    const url = '/api/me?probe=token'
    const res = await app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, cookie },
    })
    await database.query(sql.raw('alter table api_tokens_away rename to api_tokens'))
    expect(res.statusCode).toBe(500)

    const failed = log.errorOf(url)
    expect(failed.reqId).toMatch(/\S/)
    expect(JSON.stringify(failed.err)).toContain('"code":"42P01"')
    expect(log.text()).not.toContain(token)
    expect(log.text()).not.toContain(hashSecret(token))
    expect(log.text()).not.toContain(listed.prefix)
    expect(log.text()).not.toContain(cookie.split('=')[1])
  })

  it('[12] an "I\'m on it" link\'s token is not in the request log (the path is)', async () => {
    const token = 'probeTokenAbc123.probeSignatureXyz789'
    const res = await app.inject({ method: 'GET', url: `/ack/${token}?via=email` })
    expect(res.statusCode).toBe(410)
    const urls = log.parsed().flatMap((l) => (l.req?.url?.startsWith('/ack/') ? [l.req.url] : []))
    expect(urls).toContain('/ack/[redacted]?via=email')
    expect(log.text()).not.toContain('probeTokenAbc123')
    expect(log.text()).not.toContain('probeSignatureXyz789')
    // the page's own stylesheet keeps its name
    await app.inject({ method: 'GET', url: '/ack/page.css' })
    expect(log.parsed().some((l) => l.req?.url === '/ack/page.css')).toBe(true)
  })

  it('[12] a value PostgreSQL quotes back in a data error is masked', async () => {
    const error = await database.query(sql`select ${'Zelda Quintrell 4417'}::uuid as id`).then(
      () => null,
      (e: unknown) => e,
    )
    const logged = JSON.stringify(serializeError(error))
    expect(logged).toContain('22P02')
    expect(logged).toContain('invalid input syntax for type uuid')
    expect(logged).not.toContain('Zelda')
    expect(logged).not.toContain('4417')
  })
})
