import type {
  ClientToServerEvents,
  ConnectErrorData,
  PresenceUpdate,
  ServerToClientEvents,
  SpaceSnapshot,
} from '@flare/protocol'
import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

type Client = Socket<ServerToClientEvents, ClientToServerEvents>

describe.each(databaseKinds())('Socket.IO handshake on $name', (kind) => {
  let t: TestApp
  let url: string
  const clients: Client[] = []

  beforeAll(async () => {
    t = await startTestApp(kind)
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const address = t.app.server.address()
    if (!address || typeof address === 'string') throw new Error('no port')
    url = `http://127.0.0.1:${address.port}`
  })
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect()
  })
  afterAll(async () => {
    await t.close()
  })

  function client(options: {
    spaceId?: unknown
    cookie?: string
    token?: string
    transports?: ('websocket' | 'polling')[]
  }): Client {
    const auth: Record<string, unknown> = {}
    if (options.spaceId !== undefined) auth.spaceId = options.spaceId
    if (options.token) auth.token = options.token
    const c: Client = io(url, {
      auth,
      reconnection: false,
      forceNew: true,
      extraHeaders: options.cookie ? { cookie: options.cookie } : {},
      transports: options.transports ?? ['polling', 'websocket'],
    })
    clients.push(c)
    return c
  }

  function snapshotOf(c: Client): Promise<SpaceSnapshot> {
    return new Promise((resolve, reject) => {
      c.once('space:snapshot', resolve)
      c.once('connect_error', reject)
    })
  }

  function refusalOf(c: Client): Promise<ConnectErrorData> {
    return new Promise((resolve, reject) => {
      c.once('connect_error', (err) => resolve((err as Error & { data: ConnectErrorData }).data))
      c.once('connect', () => reject(new Error('connected but should have been refused')))
    })
  }

  function nextPresence(c: Client): Promise<PresenceUpdate> {
    return new Promise((resolve) => c.once('presence:update', resolve))
  }

  it('[9] a member connecting with the session cookie gets a space:snapshot', async () => {
    const cookie = await t.login('dana@flare.test')
    const snapshot = await snapshotOf(client({ spaceId: t.spaceId, cookie }))
    const dana = await t.userId('dana@flare.test')
    expect(snapshot.spaceId).toBe(t.spaceId)
    expect(snapshot.you).toBe(dana)
    expect(snapshot.escalations).toEqual([])
    expect(snapshot.rooms.map((r) => r.name)).toEqual(['Huddle Room', 'Training Room'])
    expect(snapshot.members).toEqual([
      expect.objectContaining({
        userId: dana,
        displayName: 'Dana Reyes',
        status: 'available',
        roomId: null,
      }),
    ])
    expect(typeof snapshot.members[0]?.x).toBe('number')
  })

  it('[9] accepts a personal API token in auth.token, over a websocket-only transport', async () => {
    const cookie = await t.login('eli@flare.test')
    const { secret } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie },
        payload: { name: 'ws' },
      })
    ).json()
    const c = client({ spaceId: t.spaceId, token: secret, transports: ['websocket'] })
    const snapshot = await snapshotOf(c)
    expect(snapshot.you).toBe(await t.userId('eli@flare.test'))
    expect(c.io.engine.transport.name).toBe('websocket')
  })

  it('refuses a connection with no credentials', async () => {
    const refusal = await refusalOf(client({ spaceId: t.spaceId }))
    expect(refusal.code).toBe('UNAUTHENTICATED')
  })

  it('refuses a revoked token', async () => {
    const cookie = await t.login('eli@flare.test')
    const { token, secret } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie },
        payload: { name: 'old' },
      })
    ).json()
    await t.app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: { cookie } })
    const refusal = await refusalOf(client({ spaceId: t.spaceId, token: secret }))
    expect(refusal).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'This API token has been revoked.',
    })
  })

  it("refuses a member of space A asking for space B, and doesn't tell B's members", async () => {
    const outsider = await t.login(t.otherSpace.email)
    const cookie = await t.login('gus@flare.test')
    const watcher = client({ spaceId: t.spaceId, cookie })
    await snapshotOf(watcher)
    const seen: PresenceUpdate[] = []
    watcher.on('presence:update', (u) => seen.push(u))
    const refusal = await refusalOf(client({ spaceId: t.spaceId, cookie: outsider }))
    expect(refusal).toEqual({ code: 'NOT_FOUND', message: 'No such space.' })
    // events arrive in order: once a real join afterwards is seen, anything about the outsider
    // would have been seen before it
    const fatimaJoined = nextPresence(watcher)
    client({ spaceId: t.spaceId, cookie: await t.login('fatima@flare.test') })
    await fatimaJoined
    expect(seen).toEqual([
      { kind: 'joined', member: expect.objectContaining({ displayName: 'Fatima Khan' }) },
    ])
  })

  it('refuses a missing or malformed spaceId with a VALIDATION error', async () => {
    const cookie = await t.login('dana@flare.test')
    expect((await refusalOf(client({ cookie }))).code).toBe('VALIDATION')
    expect((await refusalOf(client({ cookie, spaceId: 'space-1' }))).code).toBe('VALIDATION')
    expect((await refusalOf(client({ cookie, spaceId: { $ne: null } }))).code).toBe('VALIDATION')
  })

  it('[2] tells the space when a member joins and leaves; two tabs count as one member', async () => {
    const watcher = client({ spaceId: t.spaceId, cookie: await t.login('admin@flare.test') })
    await snapshotOf(watcher)
    const max = await t.userId('manager@flare.test')
    const cookie = await t.login('manager@flare.test')

    const joined = nextPresence(watcher)
    const tab1 = client({ spaceId: t.spaceId, cookie })
    await snapshotOf(tab1)
    expect(await joined).toEqual({
      kind: 'joined',
      member: expect.objectContaining({ userId: max }),
    })

    const updates: PresenceUpdate[] = []
    watcher.on('presence:update', (u) => updates.push(u))
    const tab2 = client({ spaceId: t.spaceId, cookie })
    const second = await snapshotOf(tab2)
    expect(second.members.filter((m) => m.userId === max)).toHaveLength(1)

    tab1.disconnect()
    const left = nextPresence(watcher)
    tab2.disconnect()
    expect(await left).toEqual({ kind: 'left', userId: max })
    // the second tab joining and the first leaving said nothing: only the last tab's leaving did
    expect(updates).toEqual([{ kind: 'left', userId: max }])
  })
})
