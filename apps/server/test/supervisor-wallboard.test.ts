import type { WallboardCreated, WallboardMessage } from '@flare/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { customerWrites, isolatedInbox } from './automation-support.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, onTicket } from './tickets-support.js'

/** A TV's connection: queues what it receives, so each message can be awaited. */
class Board {
  private readonly queue: WallboardMessage[] = []
  private waiting: ((m: WallboardMessage) => void) | null = null
  readonly closed: Promise<{ code: number; at: number }>
  readonly opened: Promise<void>
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as WallboardMessage
      if (this.waiting) {
        const w = this.waiting
        this.waiting = null
        w(message)
      } else this.queue.push(message)
    })
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    this.closed = new Promise((resolve) =>
      ws.once('close', (code) => resolve({ code, at: Date.now() })),
    )
  }
  next(): Promise<WallboardMessage> {
    const queued = this.queue.shift()
    if (queued) return Promise.resolve(queued)
    return new Promise((resolve) => {
      this.waiting = resolve
    })
  }
  /** How many messages arrived that nobody has read yet. */
  unread(): number {
    return this.queue.length
  }
  /** The next counts message that satisfies `match` (earlier ones are passed over). */
  async counts(match: (m: Extract<WallboardMessage, { type: 'counts' }>) => boolean) {
    for (;;) {
      const m = await this.next()
      if (m.type === 'counts' && match(m)) return m
    }
  }
}

describe.each(databaseKinds())('wallboards on $name', (kind) => {
  let t: TestApp
  let base = ''

  beforeAll(async () => {
    t = await startTestApp(kind)
    base = await t.listen()
  })
  afterAll(async () => {
    await t?.close()
  })

  async function create(body: Record<string, unknown>, email = 'manager@flare.test') {
    return t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/wallboards`,
      headers: { cookie: await cookieOf(t, email) },
      payload: body,
    })
  }

  async function open(token: string): Promise<Board> {
    const board = new Board(new WebSocket(`${base.replace('http', 'ws')}/api/wallboard/live`))
    await board.opened
    board.ws.send(JSON.stringify({ token }))
    return board
  }

  it('[8.5.1] a link shows live counts without a login; revoking it closes the board within a second', async () => {
    const inbox = await isolatedInbox(t)
    const res = await create({ name: 'Floor TV', inboxId: inbox.id })
    expect(res.statusCode, res.body).toBe(201)
    const created: WallboardCreated = res.json()
    expect(created.url).toBe(`${t.config.publicUrl}/wallboard#${created.token}`)
    expect(created.token.startsWith(created.wallboard.prefix)).toBe(true)

    const board = await open(created.token)
    const first = await board.counts(() => true)
    expect(first.board).toEqual({ name: 'Floor TV', spaceName: 'Contact Center' })
    expect(first.counts).toMatchObject({ waiting: 0, escalated: 0, oldestWaitingSince: null })

    // a customer writes: one more waiting, since the instant of their message
    const since = t.clock.now().toISOString()
    const ticket = await customerWrites(t, inbox)
    const waiting = await board.counts((m) => m.counts.waiting === 1)
    expect(waiting.counts.oldestWaitingSince).toBe(since)
    // answered: nobody waits any more
    expect((await onTicket(t, ticket, 'POST', '/replies', { body: 'Hi!' })).statusCode).toBe(201)
    await board.counts((m) => m.counts.waiting === 0)

    // a hand goes up anywhere in the space
    const raised = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/escalations`,
      headers: { cookie: await cookieOf(t, 'eli@flare.test') },
      payload: { notify: false, recipients: { userIds: [], groupIds: [] } },
    })
    expect(raised.statusCode, raised.body).toBe(201)
    await board.counts((m) => m.counts.hands === first.counts.hands + 1)

    const listed = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/wallboards`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    })
    const row = listed.json().wallboards.find((w: { id: string }) => w.id === created.wallboard.id)
    expect(row).toMatchObject({
      name: 'Floor TV',
      inboxId: inbox.id,
      lastSeenAt: expect.any(String),
    })
    expect(listed.body).not.toContain(created.token)

    const revokedAt = Date.now()
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${t.spaceId}/wallboards/${created.wallboard.id}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    })
    expect(revoke.json()).toEqual({ deleted: true })
    const closed = await Promise.race([
      board.closed,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000)),
    ])
    expect(closed, 'the board was still open a second after its link was revoked').not.toBeNull()
    expect(closed?.code).toBe(1008)
    expect((closed?.at ?? Infinity) - revokedAt).toBeLessThan(1000)

    // the link is gone: it opens nothing, and it is not listed or revoked twice
    const again = await open(created.token)
    expect(await again.next()).toEqual({ type: 'closed', reason: 'unknown' })
    expect((await again.closed).code).toBe(1008)
    const twice = await t.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${t.spaceId}/wallboards/${created.wallboard.id}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    })
    expect(twice.statusCode).toBe(404)
  })

  it("[8.5.4] at-risk and breached counts follow the tickets' SLA as it changes", async () => {
    const inbox = await isolatedInbox(t)
    const policies = await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/sla-policies`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: {
        policies: [
          { priority: 'medium', inboxId: inbox.id, firstResponseMinutes: 15, businessHours: false },
        ],
      },
    })
    expect(policies.statusCode, policies.body).toBe(200)
    const created: WallboardCreated = (await create({ name: 'SLA TV', inboxId: inbox.id })).json()
    const board = await open(created.token)
    await board.counts(() => true)
    const start = t.clock.now()
    await customerWrites(t, inbox)
    await board.counts((m) => m.counts.waiting === 1 && m.counts.atRisk === 0)
    // at 80 % of 15 minutes the ticket is at risk; at 15 minutes breached
    t.clock.current = new Date(start.getTime() + 12 * 60_000)
    await t.app.scheduler.runDue(t.clock.now())
    await t.app.wallboards.tick()
    await board.counts((m) => m.counts.atRisk === 1 && m.counts.breached === 0)
    t.clock.current = new Date(start.getTime() + 15 * 60_000)
    await t.app.scheduler.runDue(t.clock.now())
    await t.app.wallboards.tick()
    await board.counts((m) => m.counts.atRisk === 0 && m.counts.breached === 1)
    board.ws.close()
  })

  it('[8.5.5] a quiet board hears the same counts again every 30 s, and nothing more often', async () => {
    const created: WallboardCreated = (await create({ name: 'Quiet corner' })).json()
    const board = await open(created.token)
    const first = await board.counts(() => true)
    const start = t.clock.now().getTime()
    // nothing changed and 10 s passed: the refresh sends nothing
    t.clock.current = new Date(start + 10_000)
    await t.app.wallboards.tick()
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(board.unread()).toBe(0)
    // 30 s without a message: the counts again, as they were, with the time they were read
    t.clock.current = new Date(start + 31_000)
    await t.app.wallboards.tick()
    const again = await board.counts(() => true)
    expect(again.counts).toEqual(first.counts)
    expect(again.serverTime).toBe(new Date(start + 31_000).toISOString())
    board.ws.close()
  })

  it('[8.5.2] a revoked board is told why before it closes', async () => {
    const created: WallboardCreated = (await create({ name: 'Lobby' })).json()
    const board = await open(created.token)
    await board.counts(() => true)
    await t.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${t.spaceId}/wallboards/${created.wallboard.id}`,
      headers: { cookie: await cookieOf(t, 'admin@flare.test') },
    })
    expect(await board.next()).toEqual({ type: 'closed', reason: 'revoked' })
  })

  it('[8.5.3] unknown or malformed tokens open nothing; agents cannot create or revoke links', async () => {
    for (const hello of [{ token: 'flw_not-a-real-token-at-all' }, { nope: 1 }, 'hello']) {
      const board = new Board(new WebSocket(`${base.replace('http', 'ws')}/api/wallboard/live`))
      await board.opened
      board.ws.send(JSON.stringify(hello))
      expect(await board.next()).toEqual({ type: 'closed', reason: 'unknown' })
      expect((await board.closed).code).toBe(1008)
    }
    expect((await create({ name: 'Mine' }, 'dana@flare.test')).statusCode).toBe(403)
    const stranger = await create({ name: 'Other', inboxId: t.otherSpace.spaceId })
    expect(stranger.statusCode).toBe(400)
    expect(stranger.json().error.field).toBe('inboxId')
    const created: WallboardCreated = (await create({ name: 'Keep' })).json()
    const agentRevoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${t.spaceId}/wallboards/${created.wallboard.id}`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    expect(agentRevoke.statusCode).toBe(403)
  })
})
