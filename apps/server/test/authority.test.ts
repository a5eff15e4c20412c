import type { StreamEvent } from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { chatMessages, memberships, sessions } from '../src/db/schema.js'
import { recordChat } from './chat-support.js'
import { type Client, Clients, emitAck, nextPresence, refusalOf, snapshotOf } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

// Issue #11, findings 2 and 3: powers withdrawn over REST stayed with live sockets, and one
// socket could flood the space with chat or one user hold hundreds of sockets.

/** Resolves with the reason once the server closes this client. */
function closedByServer(c: Client): Promise<string> {
  return new Promise((resolve) => c.once('disconnect', (reason) => resolve(reason)))
}

/** Opens `GET /api/stream`, waits for its snapshot, and resolves `closed` with the close code. */
async function openStream(
  url: string,
  spaceId: string,
  headers: Record<string, string>,
): Promise<{ closed: Promise<number>; received: StreamEvent[] }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/stream?spaceId=${spaceId}`, {
    headers,
  })
  const received: StreamEvent[] = []
  const snapshot = new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      received.push(JSON.parse(String(data)))
      resolve()
    })
    ws.once('error', reject)
  })
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  await snapshot
  return { closed, received }
}

describe.each(databaseKinds())('authority at use on $name', (kind) => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)

  beforeAll(async () => {
    t = await startTestApp(kind, {
      realtimeLimits: { chat: { limit: 5, windowMs: 10_000 }, connectionsPerUser: 4 },
    })
    url = await t.listen()
  })
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t.close()
  })

  async function tokenFor(cookie: string): Promise<{ id: string; secret: string }> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie },
      payload: { name: 'authority test' },
    })
    return { id: res.json().token.id, secret: res.json().secret }
  }

  it('[1] revoking an API token closes the sockets and streams it opened at once', async () => {
    const cookie = await t.login('manager@flare.test')
    const token = await tokenFor(cookie)
    const other = await tokenFor(cookie)
    const socket = clients.connect({ spaceId: t.spaceId, token: token.secret })
    await snapshotOf(socket)
    const survivor = clients.connect({ spaceId: t.spaceId, token: other.secret })
    await snapshotOf(survivor)
    const stream = await openStream(url, t.spaceId, { authorization: `Bearer ${token.secret}` })
    const closed = closedByServer(socket)

    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/tokens/${token.id}`,
      headers: { cookie },
    })
    expect(res.statusCode).toBe(204)
    expect(await closed).toBe('io server disconnect')
    expect(await stream.closed).toBe(1008)
    // a connection on another token is untouched, and the revoked one cannot come back
    expect(await emitAck(survivor, 'presence:status', { status: 'busy' })).toEqual({ ok: true })
    const again = clients.connect({ spaceId: t.spaceId, token: token.secret })
    expect(await refusalOf(again)).toMatchObject({ code: 'UNAUTHENTICATED' })
  })

  it('[1] logging out closes that session’s sockets and streams, not another session’s', async () => {
    const session = await t.login('eli@flare.test')
    const otherSession = await t.login('eli@flare.test')
    const { client: tab1 } = await clients.join(t.spaceId, session)
    const { client: tab2 } = await clients.join(t.spaceId, session)
    const { client: phone } = await clients.join(t.spaceId, otherSession)
    const stream = await openStream(url, t.spaceId, { cookie: session })
    const closed = [closedByServer(tab1), closedByServer(tab2)]

    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: session },
    })
    expect(res.statusCode).toBe(204)
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect'])
    expect(await stream.closed).toBe(1008)
    expect(phone.connected).toBe(true)
    expect(await emitAck(phone, 'presence:status', { status: 'busy' })).toEqual({ ok: true })
  })

  it('[1][12.3] a session that expires by itself closes its sockets and streams then, not another session’s', async () => {
    const gus = await t.userId('gus@flare.test')
    const expiring = await t.login('gus@flare.test')
    // every session Gus has so far ends 300 ms from now on the server's clock
    await t.database.db
      .update(sessions)
      .set({ expiresAt: new Date(t.clock.now().getTime() + 300) })
      .where(eq(sessions.userId, gus))
    const lasting = await t.login('gus@flare.test')
    const { client: tab } = await clients.join(t.spaceId, expiring)
    const { client: phone } = await clients.join(t.spaceId, lasting)
    const stream = await openStream(url, t.spaceId, { cookie: expiring })
    const closed = closedByServer(tab)
    expect(tab.connected).toBe(true)

    t.clock.advance(1000)
    expect(await closed).toBe('io server disconnect')
    expect(await stream.closed).toBe(1008)
    expect(phone.connected).toBe(true)
    expect(await emitAck(phone, 'presence:status', { status: 'busy' })).toEqual({ ok: true })
    // and the expired session cannot come back
    const again = clients.connect({ spaceId: t.spaceId, cookie: expiring })
    expect(await refusalOf(again)).toMatchObject({ code: 'UNAUTHENTICATED' })
  })

  it('[1] a demoted manager’s open socket can no longer lower every hand; a promoted agent’s can', async () => {
    const admin = await t.login('admin@flare.test')
    const managerId = await t.userId('manager@flare.test')
    const agentId = await t.userId('fatima@flare.test')
    const { client: manager } = await clients.join(t.spaceId, await t.login('manager@flare.test'))
    const { client: agent } = await clients.join(t.spaceId, await t.login('fatima@flare.test'))
    const setRole = (userId: string, role: string) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/spaces/${t.spaceId}/members/${userId}`,
        headers: { cookie: admin },
        payload: { role },
      })

    // everyone present sees the new role at once, as the whole member again
    const seen = nextPresence(agent, (u) => u.kind === 'joined' && u.member.userId === managerId)
    expect((await setRole(managerId, 'agent')).json().member).toMatchObject({ role: 'agent' })
    expect(await seen).toMatchObject({
      kind: 'joined',
      member: { userId: managerId, role: 'agent', connected: true },
    })
    const { snapshot } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    expect(snapshot.members.find((m) => m.userId === managerId)?.role).toBe('agent')
    expect(await emitAck(manager, 'escalation:lower-all', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })
    expect((await setRole(agentId, 'manager')).statusCode).toBe(200)
    expect(await emitAck(agent, 'escalation:lower-all', {})).toMatchObject({ ok: true })
    // and back, for the other tests
    expect((await setRole(managerId, 'manager')).statusCode).toBe(200)
    expect((await setRole(agentId, 'agent')).statusCode).toBe(200)
  })

  it('[1] removing a member closes their sockets and streams there; they stop hearing the space', async () => {
    const admin = await t.login('admin@flare.test')
    const gusId = await t.userId('gus@flare.test')
    const gusCookie = await t.login('gus@flare.test')
    const { client: gus } = await clients.join(t.spaceId, gusCookie)
    const heard = recordChat(gus)
    const stream = await openStream(url, t.spaceId, { cookie: gusCookie })
    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const closed = closedByServer(gus)

    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${t.spaceId}/members/${gusId}`,
      headers: { cookie: admin },
    })
    expect(res.statusCode).toBe(204)
    expect(await closed).toBe('io server disconnect')
    expect(await stream.closed).toBe(1008)
    const sent = await emitAck(dana, 'chat:send', { to: { kind: 'space' }, body: 'after gus left' })
    expect(sent.ok).toBe(true)
    expect(heard.map((m) => m.body)).not.toContain('after gus left')
    const back = clients.connect({ spaceId: t.spaceId, cookie: gusCookie })
    expect(await refusalOf(back)).toMatchObject({ code: 'NOT_FOUND' })
    const space = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}`,
      headers: { cookie: admin },
    })
    expect(space.json().members.map((m: { userId: string }) => m.userId)).not.toContain(gusId)
    expect(space.json().groups.flatMap((g: { memberIds: string[] }) => g.memberIds)).not.toContain(
      gusId,
    )
  })

  it('[1] a socket whose membership is gone is refused at its next event even if nothing closed it', async () => {
    const { client: dana } = await clients.join(t.spaceId, await t.login('dana@flare.test'))
    const danaId = await t.userId('dana@flare.test')
    // as if removed by another process whose message never arrived
    const [row] = await t.database.db
      .delete(memberships)
      .where(and(eq(memberships.spaceId, t.spaceId), eq(memberships.userId, danaId)))
      .returning()
    const closed = closedByServer(dana)
    expect(
      await emitAck(dana, 'chat:send', { to: { kind: 'space' }, body: 'still here?' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(await closed).toBe('io server disconnect')
    if (row) await t.database.db.insert(memberships).values(row)
    const stored = await t.database.db
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.body, 'still here?'))
    expect(stored).toHaveLength(0)
  })

  it('[1] only admins change roles or remove members, and a space keeps one admin', async () => {
    const admin = await t.login('admin@flare.test')
    const adminId = await t.userId('admin@flare.test')
    const manager = await t.login('manager@flare.test')
    const asManager = await t.app.inject({
      method: 'PATCH',
      url: `/api/spaces/${t.spaceId}/members/${adminId}`,
      headers: { cookie: manager },
      payload: { role: 'agent' },
    })
    expect(asManager.statusCode).toBe(403)
    for (const method of ['PATCH', 'DELETE'] as const) {
      const res = await t.app.inject({
        method,
        url: `/api/spaces/${t.spaceId}/members/${adminId}`,
        headers: { cookie: admin },
        ...(method === 'PATCH' ? { payload: { role: 'manager' } } : {}),
      })
      expect(res.statusCode).toBe(409)
      expect(res.json().error.code).toBe('CONFLICT')
    }
    const notUuid = await t.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${t.spaceId}/members/x`,
      headers: { cookie: admin },
    })
    expect(notUuid.statusCode).toBe(400)
    expect(notUuid.json().error.field).toBe('userId')
  })

  it('[2] limits chat per member: of 40 messages sent at once at most 5 are stored and broadcast; RATE_LIMITED says when to retry', async () => {
    const { client: fatima } = await clients.join(t.spaceId, await t.login('fatima@flare.test'))
    const { client: listener } = await clients.join(t.spaceId, await t.login('admin@flare.test'))
    const heard = recordChat(listener)
    const acks = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        emitAck(fatima, 'chat:send', { to: { kind: 'space' }, body: `flood ${i}` }),
      ),
    )
    const accepted = acks.filter((a) => a.ok)
    expect(accepted).toHaveLength(5)
    const refused = acks.find((a) => !a.ok)
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfterMs: 10_000 },
    })
    // the message says when, too
    expect(refused && !refused.ok ? refused.error.message : '').toMatch(/Try again in 10 s/)
    await emitAck(listener, 'presence:status', { status: 'busy' })
    const fatimaId = await t.userId('fatima@flare.test')
    const stored = await t.database.db
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.authorId, fatimaId))
    expect(stored.filter((m) => m.body.startsWith('flood '))).toHaveLength(5)
    expect(heard.filter((m) => m.body.startsWith('flood '))).toHaveLength(5)
    t.clock.advance(10_000)
    expect((await emitAck(fatima, 'chat:send', { to: { kind: 'space' }, body: 'later' })).ok).toBe(
      true,
    )
  })

  it('[12.6] plain streams count with sockets: over the limit a stream is refused 429 RATE_LIMITED, and a stream holds a socket out', async () => {
    const cookie = await t.login('fatima@flare.test')
    const first = clients.connect({ spaceId: t.spaceId, cookie })
    const second = clients.connect({ spaceId: t.spaceId, cookie })
    const other = clients.connect({ spaceId: t.spaceId, cookie })
    await Promise.all([snapshotOf(first), snapshotOf(second), snapshotOf(other)])
    const headers = { cookie, origin: url }
    await openStream(url, t.spaceId, headers)

    const refusedStream = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/api/stream?spaceId=${t.spaceId}`, {
        headers,
      })
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString()
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      ws.once('open', () => reject(new Error('a fifth connection opened')))
    })
    expect(refusedStream.status).toBe(429)
    expect(JSON.parse(refusedStream.body).error).toMatchObject({ code: 'RATE_LIMITED' })
    const third = clients.connect({ spaceId: t.spaceId, cookie })
    expect(await refusalOf(third)).toMatchObject({ code: 'RATE_LIMITED' })

    // closing a socket frees a place for a stream
    second.disconnect()
    await emitAck(first, 'presence:status', { status: 'available' })
    const again = await openStream(url, t.spaceId, headers)
    expect(again.received[0]).toMatchObject({ type: 'snapshot' })
  })

  it('[2] limits connections per user: the 5th is refused with RATE_LIMITED; closing one frees a place', async () => {
    const cookie = await t.login('eli@flare.test')
    const open = [
      clients.connect({ spaceId: t.spaceId, cookie }),
      clients.connect({ spaceId: t.spaceId, cookie }),
      clients.connect({ spaceId: t.spaceId, cookie }),
      clients.connect({ spaceId: t.spaceId, cookie }),
      clients.connect({ spaceId: t.spaceId, cookie }),
      clients.connect({ spaceId: t.spaceId, cookie }),
    ]
    const outcomes = await Promise.all(
      open.map(
        (c) =>
          new Promise<string>((resolve) => {
            c.once('space:snapshot', () => resolve('in'))
            c.once('connect_error', (err) =>
              resolve((err as Error & { data: { code: string } }).data.code),
            )
          }),
      ),
    )
    expect(outcomes.filter((o) => o === 'in')).toHaveLength(4)
    expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toHaveLength(2)
    const inside = open.filter((_, i) => outcomes[i] === 'in')
    inside[0]?.disconnect()
    // the server notices the close before the next handshake is counted
    await emitAck(inside[1]!, 'presence:status', { status: 'available' })
    const next = clients.connect({ spaceId: t.spaceId, cookie })
    expect((await snapshotOf(next)).spaceId).toBe(t.spaceId)
  })
})
