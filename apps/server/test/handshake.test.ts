import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findSessionsInSpaces, sessionInSpaceKey } from '../src/auth/identity.js'
import { hashSecret } from '../src/auth/secrets.js'
import { Clients, refusalOf, snapshotOf } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

describe.each(databaseKinds())('the socket handshake on $name', (kind) => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)
  beforeAll(async () => {
    t = await startTestApp(kind)
    url = await t.listen()
  })
  afterAll(async () => {
    clients.closeAll()
    await t.close()
  })

  const sessionIdOf = (cookie: string) => {
    const signed = decodeURIComponent(cookie.split('=')[1] ?? '')
    const unsigned = t.app.unsignCookie(signed)
    if (!unsigned.valid || !unsigned.value) throw new Error('bad cookie')
    return hashSecret(unsigned.value)
  }

  it('[2.5.1] finds session, name and membership of many handshakes in one lookup', async () => {
    const dana = sessionIdOf(await t.login('dana@flare.test'))
    const outsider = sessionIdOf(await t.login(t.otherSpace.email))
    const keys = [
      sessionInSpaceKey(dana, t.spaceId),
      sessionInSpaceKey(dana, t.otherSpace.spaceId),
      sessionInSpaceKey(outsider, t.spaceId),
      sessionInSpaceKey('no-such-session', t.spaceId),
    ]
    const found = await findSessionsInSpaces(t.database.db, keys)
    expect(found.get(keys[0] ?? '')).toMatchObject({
      session: { userId: await t.userId('dana@flare.test') },
      displayName: expect.any(String),
      role: expect.stringMatching(/admin|manager|agent/),
    })
    // a session is found wherever it asks; the role only where the user is a member
    expect(found.get(keys[1] ?? '')?.role).toBeNull()
    expect(found.get(keys[2] ?? '')?.role).toBeNull()
    expect(found.has(keys[3] ?? '')).toBe(false)
  })

  it('[2.5.1] a burst of handshakes: members join, a stranger to the space is refused, a forged session too', async () => {
    const cookies = await Promise.all(
      ['dana@flare.test', 'eli@flare.test', 'fatima@flare.test', 'gus@flare.test'].map((e) =>
        t.login(e),
      ),
    )
    const outsider = await t.login(t.otherSpace.email)
    const members = cookies.map((cookie) => clients.connect({ spaceId: t.spaceId, cookie }))
    const stranger = refusalOf(clients.connect({ spaceId: t.spaceId, cookie: outsider }))
    const forged = refusalOf(
      clients.connect({ spaceId: t.spaceId, cookie: 'flare_session=abc.def' }),
    )
    const snapshots = await Promise.all(members.map(snapshotOf))
    expect(new Set(snapshots.map((s) => s.you)).size).toBe(4)
    expect(await stranger).toMatchObject({ code: 'NOT_FOUND' })
    expect(await forged).toMatchObject({ code: 'UNAUTHENTICATED' })
  })
})
