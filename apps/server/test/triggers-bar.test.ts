import type { InboxDto, TicketEscalatedEvent } from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../src/db/database.js'
import { memberships, spaces, users } from '../src/db/schema.js'
import { DEMO_PASSWORD } from '../src/demo/seed.js'
import { bootOn } from './automation-support.js'
import { Clients } from './sockets.js'
import { databaseKinds } from './support.js'
import { postSms } from './tickets-support.js'

/**
 * The bar, with the scheduler and the clock running as in production: nothing in this
 * suite asks the scheduler to run.
 */
describe.each(databaseKinds())('[11.1] the instant trigger bar on $name', (kind) => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void> = async () => {}
  let url = ''
  let spaceId = ''
  const clients = new Clients(() => url)

  beforeAll(async () => {
    const fresh = await kind.fresh()
    drop = fresh.drop
    ;({ app, database } = await bootOn(fresh.target, { seed: true }))
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (!address || typeof address === 'string') throw new Error('no port')
    url = `http://127.0.0.1:${address.port}`
    const [space] = await database.db.select({ id: spaces.id }).from(spaces)
    spaceId = space!.id
  }, 120_000)
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await app?.close()
    await drop()
  })

  async function login(email: string): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: DEMO_PASSWORD },
    })
    const cookie = res.cookies.find((c) => c.name === 'flare_session')
    if (!cookie) throw new Error(`login: ${res.body}`)
    return `flare_session=${cookie.value}`
  }

  async function userId(email: string): Promise<string> {
    const [row] = await database.db
      .select({ id: users.id })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(and(eq(users.email, email), eq(memberships.spaceId, spaceId)))
    return row!.id
  }

  it('[11.1.1] [11.1.5] an inbound SMS "I want to talk to a human now" reaches its target as ticket:escalated within a second, naming the trigger', async () => {
    const manager = await login('manager@flare.test')
    const created = await app.inject({
      method: 'POST',
      url: `/api/spaces/${spaceId}/inboxes`,
      headers: { cookie: manager },
      payload: {
        name: 'Text line',
        channelAddress: '+15550199',
        adminUserIds: [await userId('eli@flare.test')],
      },
    })
    expect(created.statusCode).toBe(201)
    const inbox = created.json().inbox as InboxDto & { webhookSecret: string }
    const eli = await clients.join(spaceId, await login('eli@flare.test'))
    const dana = await clients.join(spaceId, await login('dana@flare.test'))
    const danaGot: unknown[] = []
    dana.client.on('ticket:escalated', (event) => danaGot.push(event))

    const sentAt = performance.now()
    const posted = postSms(
      app,
      {
        From: '+15553330001',
        To: '+15550199',
        Body: 'I want to talk to a human now',
        MessageSid: 'SMbar1',
      },
      inbox.webhookSecret,
    )
    // the ticket's id is only known once it exists: take the first escalation for any ticket
    const event = await new Promise<TicketEscalatedEvent>((resolve) =>
      eli.client.once('ticket:escalated', resolve),
    )
    const elapsed = performance.now() - sentAt
    expect((await posted).statusCode).toBe(200)
    console.log(
      `[11.1] SMS to ticket:escalated at its target: ${elapsed.toFixed(0)} ms (bar: 1000 ms)`,
    )
    expect(elapsed).toBeLessThan(1000)
    expect(event).toMatchObject({
      ticket: { inboxId: inbox.id, customerName: null },
      ruleName: 'Instant trigger (inbox default)',
      reason: expect.stringContaining('Keyword trigger: the customer wrote "talk to a human"'),
      trigger: { kind: 'keyword', words: ['talk to a human'] },
      transcriptTurns: 1,
      transcript: [{ from: 'customer', text: 'I want to talk to a human now' }],
    })
    // it reached its target only: Dana is not an admin of the inbox nor assigned
    expect(danaGot).toEqual([])
  })
})
