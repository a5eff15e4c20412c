import type { PresenceUpdate } from '@flare/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Clients, nextPresence, recordPresence, refusalOf, snapshotOf } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

describe.each(databaseKinds())('Socket.IO handshake on $name', (kind) => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)

  beforeAll(async () => {
    t = await startTestApp(kind)
    url = await t.listen()
  })
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t.close()
  })

  it('[9] a member connecting with the session cookie gets a space:snapshot', async () => {
    const cookie = await t.login('dana@flare.test')
    const snapshot = await snapshotOf(
      clients.connect({ spaceId: t.spaceId, cookie, transports: ['polling'] }),
    )
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
    const c = clients.connect({ spaceId: t.spaceId, token: secret, transports: ['websocket'] })
    const snapshot = await snapshotOf(c)
    expect(snapshot.you).toBe(await t.userId('eli@flare.test'))
    expect(c.io.engine.transport.name).toBe('websocket')
  })

  it('refuses a connection with no credentials', async () => {
    const refusal = await refusalOf(clients.connect({ spaceId: t.spaceId }))
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
    const refusal = await refusalOf(clients.connect({ spaceId: t.spaceId, token: secret }))
    expect(refusal).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'This API token has been revoked.',
    })
  })

  it("refuses a member of space A asking for space B, and doesn't tell B's members", async () => {
    const outsider = await t.login(t.otherSpace.email)
    const { client: watcher } = await clients.join(t.spaceId, await t.login('gus@flare.test'))
    const seen = recordPresence(watcher)
    const refusal = await refusalOf(clients.connect({ spaceId: t.spaceId, cookie: outsider }))
    expect(refusal).toEqual({ code: 'NOT_FOUND', message: 'No such space.' })
    // events arrive in order: once a real join afterwards is seen, anything about the outsider
    // would have been seen before it
    const fatimaJoined = nextPresence(watcher)
    clients.connect({ spaceId: t.spaceId, cookie: await t.login('fatima@flare.test') })
    await fatimaJoined
    expect(seen).toEqual([
      { kind: 'joined', member: expect.objectContaining({ displayName: 'Fatima Khan' }) },
    ])
  })

  it('refuses a missing or malformed spaceId with a VALIDATION error', async () => {
    const cookie = await t.login('dana@flare.test')
    expect((await refusalOf(clients.connect({ cookie }))).code).toBe('VALIDATION')
    expect((await refusalOf(clients.connect({ cookie, spaceId: 'space-1' }))).code).toBe(
      'VALIDATION',
    )
    expect((await refusalOf(clients.connect({ cookie, spaceId: { $ne: null } }))).code).toBe(
      'VALIDATION',
    )
  })

  it('[2] tells the space when a member joins and leaves; two tabs count as one member', async () => {
    const { client: watcher } = await clients.join(t.spaceId, await t.login('admin@flare.test'))
    const max = await t.userId('manager@flare.test')
    const cookie = await t.login('manager@flare.test')

    const joined = nextPresence(watcher)
    const { client: tab1 } = await clients.join(t.spaceId, cookie)
    expect(await joined).toEqual({
      kind: 'joined',
      member: expect.objectContaining({ userId: max }),
    })

    const updates: PresenceUpdate[] = recordPresence(watcher)
    const { client: tab2, snapshot: second } = await clients.join(t.spaceId, cookie)
    expect(second.members.filter((m) => m.userId === max)).toHaveLength(1)

    tab1.disconnect()
    const left = nextPresence(watcher)
    tab2.disconnect()
    expect(await left).toEqual({ kind: 'left', userId: max })
    // the second tab joining and the first leaving said nothing: only the last tab's leaving did
    expect(updates).toEqual([{ kind: 'left', userId: max }])
  })
})
