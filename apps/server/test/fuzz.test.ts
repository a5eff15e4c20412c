import {
  BusinessCalendar,
  ChatRead,
  ChatSend,
  chatBodyProblem,
  EmptyPayload,
  ErrorCode,
  EscalationEnd,
  EscalationRaise,
  EscalationRespond,
  PresenceMove,
  PresenceStatusChange,
  type Result,
  TicketAcknowledge,
  TicketReceipt,
} from '@flare/protocol'
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiTokens,
  escalationFirings,
  escalationRules,
  escalations,
  groups,
  inboxes,
  rotations,
  tickets,
  users,
} from '../src/db/schema.js'
import {
  badTextIn,
  formEncodable,
  isErrorBody,
  type JsonSchema,
  junk,
  type KnownIds,
  useCalendarSchema,
  valuesFor,
} from './fuzz-support.js'
import { type Client, Clients, emitAck } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, demoInbox } from './tickets-support.js'

// Issue #11: a fuzz pass over every REST body and every socket event, asserting no 5xx, no
// crash, nothing invalid stored or broadcast. 200 cases each, sized for a 2-core machine.
const RUNS = 200
const PER_OPERATION_MS = 120_000

interface Operation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** OpenAPI form: `/api/spaces/{spaceId}/tickets`. */
  path: string
  body: JsonSchema
  params: string[]
}

interface OpenApiOperation {
  requestBody?: { content: Record<string, { schema: JsonSchema }> }
  parameters?: Array<{ in: string; name: string }>
}

const BODY_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const

// member changes last: they take people (never the admin who drives the rest) out of the space
function order(op: Operation): number {
  return op.path.includes('/members/') ? 1 : 0
}

const socketEvents: Array<[string, JsonSchema]> = [
  ['presence:move', PresenceMove],
  ['presence:status', PresenceStatusChange],
  ['escalation:raise', EscalationRaise],
  ['escalation:respond', EscalationRespond],
  ['escalation:end', EscalationEnd],
  ['escalation:lower-all', EmptyPayload],
  ['chat:send', ChatSend],
  ['chat:read', ChatRead],
  ['ticket:acknowledge', TicketAcknowledge],
  ['ticket:receipt', TicketReceipt],
  // last: it takes the member out of the space's presence
  ['space:leave', EmptyPayload],
]

describe('fuzz: every REST body and socket event', async () => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)
  let admin = ''
  let agent = ''
  let bearer = ''
  let secret = ''
  let adminId = ''
  const broadcast: Array<{ event: string; json: string; payload: unknown }> = []
  let listener: Client
  let actors: Client[] = []

  // the operations are read from the app's own OpenAPI description, so a new route is fuzzed
  // without anyone listing it here
  const probe = await startTestApp(databaseKinds()[0]!)
  await probe.app.ready()
  const doc = probe.app.swagger()
  await probe.close()
  const operations: Operation[] = []
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, raw] of Object.entries(methods ?? {})) {
      const op: OpenApiOperation = raw ?? {}
      const schema = op.requestBody?.content['application/json']?.schema
      if (!schema) continue
      const params = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name)
      const verb = BODY_METHODS.find((m) => m === method.toUpperCase())
      if (verb) operations.push({ method: verb, path, body: schema, params })
    }
  }
  operations.sort((a, b) => order(a) - order(b))
  useCalendarSchema(BusinessCalendar)

  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0]!, {
      // fuzzed logins come from their own address, which locks after 20 failures: the rest
      // of the cases test the schema without paying for argon2 each time
      loginLimits: { accountFailures: 5, addressFailures: 20 },
    })
    url = await t.listen()
    admin = await cookieOf(t, 'admin@flare.test')
    agent = await cookieOf(t, 'dana@flare.test')
    adminId = await t.userId('admin@flare.test')
    bearer = (
      await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie: admin },
        payload: { name: 'fuzz' },
      })
    ).json().secret
    secret = (await demoInbox(t)).webhookSecret
    await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/rotations`,
      headers: { cookie: admin },
      payload: { name: 'Fuzz rotation', memberIds: [await t.userId('dana@flare.test')] },
    })
    listener = (await clients.join(t.spaceId, await cookieOf(t, 'manager@flare.test'))).client
    listener.onAny((event: string, payload: unknown) => {
      broadcast.push({ event, json: JSON.stringify(payload) ?? '', payload })
    })
    actors = [
      (await clients.join(t.spaceId, agent)).client,
      (await clients.join(t.spaceId, admin)).client,
    ]
  }, 120_000)

  afterAll(async () => {
    clients.closeAll()
    await t?.close()
  })

  /** Every id of every kind that exists now, and by the path parameter that names it. */
  async function knownIds(): Promise<{ all: KnownIds; byParam: Record<string, string[]> }> {
    const db = t.database.db
    const [u, g, i, tk, r, ro, e, f, tok] = await Promise.all([
      db.select({ id: users.id }).from(users),
      db.select({ id: groups.id }).from(groups),
      db.select({ id: inboxes.id }).from(inboxes),
      db.select({ id: tickets.id }).from(tickets).limit(50),
      db.select({ id: escalationRules.id }).from(escalationRules),
      db.select({ id: rotations.id }).from(rotations),
      db.select({ id: escalations.id }).from(escalations).limit(50),
      db.select({ id: escalationFirings.id }).from(escalationFirings).limit(50),
      db.select({ id: apiTokens.id }).from(apiTokens).limit(20),
    ])
    const ids = (rows: Array<{ id: string }>) => rows.map((row) => row.id)
    const byParam: Record<string, string[]> = {
      spaceId: [t.spaceId, t.otherSpace.spaceId],
      // never the admin who drives the fuzz: a space always keeps one admin anyway
      userId: ids(u).filter((id) => id !== adminId),
      inboxId: ids(i),
      ticketId: ids(tk),
      id: ids(r),
      rotationId: ids(ro),
      tokenId: ids(tok),
      escalationId: ids(e),
    }
    const all = [
      t.spaceId,
      ...ids(u),
      ...ids(g),
      ...ids(i),
      ...ids(tk),
      ...ids(r),
      ...ids(ro),
      ...ids(e),
      ...ids(f),
    ]
    return { all: { ids: all }, byParam }
  }

  async function expectNothingInvalidStored(): Promise<void> {
    const tables = await t.database.query<{ name: string }>(
      sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    )
    for (const { name } of tables) {
      const rows = await t.database.query<{ j: string }>(
        sql`select row_to_json(fuzz_row)::text as j from ${sql.identifier(name)} fuzz_row`,
      )
      for (const row of rows) expect(badTextIn(row.j), `stored in ${name}`).toBeNull()
    }
  }

  function expectNothingInvalidBroadcast(): void {
    for (const { event, json, payload } of broadcast) {
      expect(badTextIn(json), `broadcast ${event}`).toBeNull()
      if (event === 'chat:message' && typeof payload === 'object' && payload && 'body' in payload) {
        expect(chatBodyProblem(String(payload.body)), 'a broadcast chat body').toBeNull()
      }
    }
  }

  it('found the REST operations to fuzz in the OpenAPI description', () => {
    expect(operations.length).toBeGreaterThanOrEqual(18)
  })

  for (const op of operations) {
    const inbound = op.path.startsWith('/api/inbound/')
    const form = op.path === '/api/inbound/sms'
    it(
      `[12] ${op.method} ${op.path}: ${RUNS} generated bodies, no 5xx, errors well formed, nothing invalid stored`,
      async () => {
        const known = await knownIds()
        const params = fc.record(
          Object.fromEntries(
            op.params.map((name) => {
              const ids = known.byParam[name] ?? []
              const real = ids.length > 0 ? [{ weight: 8, arbitrary: fc.constantFrom(...ids) }] : []
              return [
                name,
                fc.oneof(
                  ...real,
                  { weight: 1, arbitrary: fc.uuid() },
                  { weight: 1, arbitrary: fc.string() },
                ),
              ]
            }),
          ),
        )
        const withSecret: Record<string, string> = { 'x-flare-inbox-secret': secret }
        const choices: Array<Record<string, string>> = inbound
          ? [withSecret, withSecret, {}]
          : [
              { cookie: admin },
              { cookie: admin },
              { cookie: admin },
              { cookie: agent },
              { authorization: `Bearer ${bearer}` },
              {},
            ]
        const headers = fc.constantFrom(...choices)
        const body = fc.oneof(
          { weight: 12, arbitrary: valuesFor(op.body, known.all) },
          { weight: 1, arbitrary: junk },
        )
        await fc.assert(
          fc.asyncProperty(body, params, headers, async (payload, values, auth) => {
            const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
              encodeURIComponent(String(values[name] ?? '')),
            )
            const res = await t.app.inject({
              method: op.method,
              url: path,
              remoteAddress: '10.99.0.1',
              headers: form
                ? { ...auth, 'content-type': 'application/x-www-form-urlencoded' }
                : { ...auth, 'content-type': 'application/json' },
              payload: form
                ? new URLSearchParams(
                    Object.entries(
                      typeof payload === 'object' && payload !== null ? payload : { Body: payload },
                    ).map(([k, v]): [string, string] => [k, formEncodable(v)]),
                  ).toString()
                : (JSON.stringify(payload) ?? 'null'),
            })
            expect(res.statusCode, res.body).toBeLessThan(500)
            if (res.statusCode >= 400) expect(isErrorBody(res.json()), res.body).toBe(true)
            else expect(badTextIn(res.body), 'in the response').toBeNull()
          }),
          { numRuns: RUNS },
        )
        await expectNothingInvalidStored()
        expectNothingInvalidBroadcast()
      },
      PER_OPERATION_MS,
    )
  }

  for (const [event, schema] of socketEvents) {
    it(
      `[9] ${event}: ${RUNS} generated payloads, every one acknowledged without INTERNAL, nothing invalid stored or broadcast`,
      async () => {
        const known = await knownIds()
        const payload = fc.oneof(
          { weight: 12, arbitrary: valuesFor(schema, known.all) },
          { weight: 1, arbitrary: junk },
        )
        await fc.assert(
          fc.asyncProperty(
            payload,
            fc.integer({ min: 0, max: actors.length - 1 }),
            async (value, who) => {
              const actor = actors[who]!
              const ack = await Promise.race([
                emitAck(actor, event, value),
                new Promise<Result>((_, reject) =>
                  setTimeout(() => reject(new Error(`${event}: no acknowledgement`)), 10_000),
                ),
              ])
              expect(typeof ack.ok).toBe('boolean')
              if (!ack.ok) {
                expect(Object.values(ErrorCode)).toContain(ack.error.code)
                expect(ack.error.code, ack.error.message).not.toBe(ErrorCode.INTERNAL)
              }
            },
          ),
          { numRuns: RUNS },
        )
        for (const actor of actors) expect(actor.connected).toBe(true)
        await expectNothingInvalidStored()
        expectNothingInvalidBroadcast()
      },
      PER_OPERATION_MS,
    )
  }

  it('[12] the server is still up and answering after the fuzz', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' })
    expect(res.statusCode).toBe(200)
    expect(listener.connected).toBe(true)
  })
})
