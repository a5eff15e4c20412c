import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Clients, emitAck, refusalOf, snapshotOf } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, demoInbox } from './tickets-support.js'

// Issue #11, finding 6: a page on another site could make the browser send the session
// cookie with a state-changing request or a WebSocket handshake, and it was obeyed.
const EVIL = 'http://evil.example'
const PUBLIC = 'https://flare.example.com'
const WALLBOARD = 'https://wall.example.com'

describe('origin checks', () => {
  let t: TestApp
  let url = ''
  let manager = ''
  let token = ''
  const clients = new Clients(() => url)

  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0]!, {
      config: { PUBLIC_URL: PUBLIC, ALLOWED_ORIGINS: WALLBOARD },
    })
    url = await t.listen()
    manager = await cookieOf(t, 'manager@flare.test')
    token = (
      await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie: manager },
        payload: { name: 'script' },
      })
    ).json().secret
  })
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t.close()
  })

  async function raiseAsDana(): Promise<void> {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/escalations`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
      payload: { message: 'origin test', notify: false, recipients: { userIds: [], groupIds: [] } },
    })
    expect(res.statusCode).toBe(201)
  }
  async function activeCount(): Promise<number> {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/escalations`,
      headers: { cookie: manager },
    })
    return res.json().escalations.length
  }

  it('[12] refuses a cookie-authenticated lower-all, rotate-secret and logout from a foreign Origin with 403 BAD_ORIGIN', async () => {
    await raiseAsDana()
    const inbox = await demoInbox(t)
    for (const path of [
      `/api/spaces/${t.spaceId}/escalations/lower-all`,
      `/api/spaces/${t.spaceId}/inboxes/${inbox.id}/rotate-secret`,
      '/api/auth/logout',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: path,
        headers: { cookie: manager, origin: EVIL },
      })
      expect(res.statusCode, path).toBe(403)
      expect(res.json().error.code).toBe('BAD_ORIGIN')
    }
    // nothing happened: the hand is up, the secret and the session unchanged
    expect(await activeCount()).toBe(1)
    expect((await demoInbox(t)).webhookSecret).toBe(inbox.webhookSecret)
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: manager } })
    expect(me.statusCode).toBe(200)
  })

  it('[12] refuses a same-site sibling origin and `Origin: null` too', async () => {
    for (const origin of [
      'http://other.localhost',
      'null',
      'https://flare.example.com.evil.example',
    ]) {
      const res = await t.app.inject({
        method: 'DELETE',
        url: `/api/spaces/${t.spaceId}/escalations/00000000-0000-4000-8000-000000000000`,
        headers: { cookie: manager, origin },
      })
      expect(res.statusCode, origin).toBe(403)
    }
  })

  it('[12] accepts its own origin, PUBLIC_URL, ALLOWED_ORIGINS, no Origin at all, and Bearer calls from anywhere', async () => {
    const lowerAll = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.spaceId}/escalations/lower-all`,
        headers,
      })
    expect((await lowerAll({ authorization: `Bearer ${token}` })).statusCode).toBe(200)
    // inject sends Host: localhost:80, so the request's own origin is http://localhost
    const accepted: Array<Record<string, string>> = [
      { cookie: manager, origin: 'http://localhost' },
      { cookie: manager, origin: PUBLIC },
      { cookie: manager, origin: WALLBOARD },
      { cookie: manager },
      { authorization: `Bearer ${token}`, origin: EVIL },
    ]
    for (const headers of accepted) {
      await raiseAsDana()
      const res = await lowerAll(headers)
      expect(res.statusCode, JSON.stringify(headers)).toBe(200)
      expect(res.json().ended).toBe(1)
    }
  })

  it('[12] leaves reads alone: a GET with a foreign Origin is answered (CORS keeps its body from that page)', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: manager, origin: EVIL },
    })
    expect(res.statusCode).toBe(200)
  })

  it('[12] refuses a Socket.IO handshake from a foreign Origin with connect_error BAD_ORIGIN, before any snapshot', async () => {
    const evil = clients.connect({ spaceId: t.spaceId, cookie: manager, headers: { origin: EVIL } })
    let snapshots = 0
    evil.on('space:snapshot', () => {
      snapshots += 1
    })
    expect(await refusalOf(evil)).toMatchObject({ code: 'BAD_ORIGIN' })
    expect(snapshots).toBe(0)
    const polling = clients.connect({
      spaceId: t.spaceId,
      cookie: manager,
      headers: { origin: EVIL },
      transports: ['polling'],
    })
    expect(await refusalOf(polling)).toMatchObject({ code: 'BAD_ORIGIN' })

    const own = clients.connect({
      spaceId: t.spaceId,
      cookie: manager,
      headers: { origin: url },
    })
    expect((await snapshotOf(own)).spaceId).toBe(t.spaceId)
    const withToken = clients.connect({ spaceId: t.spaceId, token, headers: { origin: EVIL } })
    expect((await snapshotOf(withToken)).spaceId).toBe(t.spaceId)
    expect(await emitAck(withToken, 'presence:status', { status: 'busy' })).toEqual({ ok: true })
  })

  it('[12] refuses GET /api/stream from a foreign Origin with 403 and opens it from its own', async () => {
    const open = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${url.replace('http', 'ws')}/api/stream?spaceId=${t.spaceId}`, {
          headers: { cookie: manager, origin },
        })
        ws.once('open', () => {
          ws.close()
          resolve(101)
        })
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0)
          ws.terminate()
        })
        ws.once('error', reject)
      })
    expect(await open(EVIL)).toBe(403)
    expect(await open(url)).toBe(101)
  })
})
