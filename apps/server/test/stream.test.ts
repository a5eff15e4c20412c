import type { StreamEvent } from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { memberships } from '../src/db/schema.js'
import { Clients, emitAck } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

/** A plain WebSocket client that queues what it receives, so each message can be awaited. */
class StreamClient {
  private readonly queue: StreamEvent[] = []
  private waiting: ((e: StreamEvent) => void) | null = null
  readonly opened: Promise<void>
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const event = JSON.parse(String(data)) as StreamEvent
      if (this.waiting) {
        const w = this.waiting
        this.waiting = null
        w(event)
      } else this.queue.push(event)
    })
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
      ws.once('error', reject)
    })
  }
  next(): Promise<StreamEvent> {
    const queued = this.queue.shift()
    if (queued) return Promise.resolve(queued)
    return new Promise((resolve) => {
      this.waiting = resolve
    })
  }
}

describe('the integration stream, GET /api/stream', () => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)
  let token = ''

  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0]!)
    url = await t.listen()
    const cookie = await t.login('manager@flare.test')
    token = (
      await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie },
        payload: { name: 'wallboard' },
      })
    ).json().secret
  })
  afterAll(async () => {
    clients.closeAll()
    await t.close()
  })

  /** The stream of `spaceId`, or with `null` of the caller's only space (no `?spaceId=`). */
  function open(spaceId: string | null, headers: Record<string, string>): StreamClient {
    const query = spaceId === null ? '' : `?spaceId=${spaceId}`
    return new StreamClient(
      new WebSocket(`${url.replace('http', 'ws')}/api/stream${query}`, { headers }),
    )
  }

  it('[9] pushes a snapshot, then every escalation event of the space as JSON', async () => {
    const stream = open(t.spaceId, { authorization: `Bearer ${token}` })
    await stream.opened
    expect(await stream.next()).toMatchObject({
      type: 'snapshot',
      spaceId: t.spaceId,
      escalations: [],
    })

    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const raised = await emitAck<{ escalation: { id: string } }>(dana, 'escalation:raise', {
      message: 'wallboard test',
      notify: false,
      recipients: { userIds: [], groupIds: [] },
    })
    expect(raised.ok).toBe(true)
    const started = await stream.next()
    expect(started).toMatchObject({
      type: 'escalation:started',
      escalation: { message: 'wallboard test' },
    })
    await emitAck(dana, 'escalation:end', {})
    expect(await stream.next()).toMatchObject({
      type: 'escalation:ended',
      ended: { reason: 'raiser' },
    })
    stream.ws.close()
  })

  it('[9.2.1] without ?spaceId= it is the stream of the caller’s only space; a member of several must name one', async () => {
    const stream = open(null, { authorization: `Bearer ${token}` })
    await stream.opened
    expect(await stream.next()).toMatchObject({ type: 'snapshot', spaceId: t.spaceId })
    stream.ws.close()

    const managerId = await t.userId('manager@flare.test')
    await t.database.db
      .insert(memberships)
      .values({ spaceId: t.otherSpace.spaceId, userId: managerId, role: 'agent' })
    try {
      await expect(open(null, { authorization: `Bearer ${token}` }).opened).rejects.toThrow(
        'HTTP 400',
      )
      const named = open(t.otherSpace.spaceId, { authorization: `Bearer ${token}` })
      await named.opened
      expect(await named.next()).toMatchObject({ type: 'snapshot', spaceId: t.otherSpace.spaceId })
      named.ws.close()
    } finally {
      await t.database.db
        .delete(memberships)
        .where(
          and(eq(memberships.userId, managerId), eq(memberships.spaceId, t.otherSpace.spaceId)),
        )
    }
  })

  it('refuses no credentials with 401 and a non-member with 404, before any upgrade', async () => {
    await expect(open(t.spaceId, {}).opened).rejects.toThrow('HTTP 401')
    const outsider = await t.login(t.otherSpace.email)
    await expect(open(t.spaceId, { cookie: outsider }).opened).rejects.toThrow('HTTP 404')
    await expect(open('not-a-uuid', { authorization: `Bearer ${token}` }).opened).rejects.toThrow(
      'HTTP 400',
    )
  })

  it('leaves Socket.IO websocket upgrades to Socket.IO', async () => {
    const c = clients.connect({
      spaceId: t.spaceId,
      cookie: await t.login('eli@flare.test'),
      transports: ['websocket'],
    })
    await new Promise<void>((resolve, reject) => {
      c.once('space:snapshot', () => resolve())
      c.once('connect_error', reject)
    })
    expect(c.io.engine.transport.name).toBe('websocket')
  })
})
