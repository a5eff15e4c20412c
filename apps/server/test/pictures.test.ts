import type { SpaceMemberDto } from '@flare/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Clients } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

/** A 1×1 PNG, as a browser's canvas writes one. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

describe.each(databaseKinds())('profile pictures on $name', (kind) => {
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

  async function put(cookie: string, payload: Record<string, unknown>) {
    return t.app.inject({ method: 'PUT', url: '/api/me/picture', headers: { cookie }, payload })
  }

  it('[2.6] a member sets a picture; the space hears it and the people in it see it', async () => {
    const dana = await t.login('dana@flare.test')
    const danaId = await t.userId('dana@flare.test')
    const { client: eli } = await clients.join(t.spaceId, await t.login('eli@flare.test'))
    const heard = new Promise<SpaceMemberDto>((resolve) => eli.once('member:updated', resolve))

    const set = await put(dana, { contentType: 'image/png', data: PNG.toString('base64') })
    expect(set.statusCode).toBe(200)
    const { pictureUrl } = set.json() as { pictureUrl: string }
    expect(pictureUrl).toMatch(new RegExp(`^/api/users/${danaId}/picture\\?v=[0-9a-f]{16}$`))
    expect(await heard).toMatchObject({ userId: danaId, displayName: 'Dana Reyes', pictureUrl })

    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: dana } })
    expect(me.json().user.pictureUrl).toBe(pictureUrl)
    const eliCookie = await t.login('eli@flare.test')
    const space = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}`,
      headers: { cookie: eliCookie },
    })
    const members = space.json().members as SpaceMemberDto[]
    expect(members.find((m) => m.userId === danaId)?.pictureUrl).toBe(pictureUrl)
    expect(members.find((m) => m.displayName === 'Eli Novak')?.pictureUrl).toBeNull()

    // served as the type its bytes are, never sniffed, never run
    const got = await t.app.inject({
      method: 'GET',
      url: pictureUrl,
      headers: { cookie: eliCookie },
    })
    expect(got.statusCode).toBe(200)
    expect(got.headers['content-type']).toBe('image/png')
    expect(got.headers['x-content-type-options']).toBe('nosniff')
    expect(got.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    expect(got.headers['cache-control']).toBe('private, max-age=31536000, immutable')
    expect(got.rawPayload.equals(PNG)).toBe(true)
    // an old version's URL is checked again rather than cached for good
    const stale = await t.app.inject({
      method: 'GET',
      url: `/api/users/${danaId}/picture?v=0000000000000000`,
      headers: { cookie: eliCookie },
    })
    expect(stale.headers['cache-control']).toBe('private, no-cache')
    const again = await t.app.inject({
      method: 'GET',
      url: pictureUrl,
      headers: { cookie: eliCookie, 'if-none-match': String(got.headers.etag) },
    })
    expect(again.statusCode).toBe(304)
  })

  it('[2.6][1.4] only people who share a space see a picture', async () => {
    const danaId = await t.userId('dana@flare.test')
    await put(await t.login('dana@flare.test'), {
      contentType: 'image/png',
      data: PNG.toString('base64'),
    })
    const outsider = await t.login(t.otherSpace.email)
    const refused = await t.app.inject({
      method: 'GET',
      url: `/api/users/${danaId}/picture`,
      headers: { cookie: outsider },
    })
    expect(refused.statusCode).toBe(404)
    const anonymous = await t.app.inject({ method: 'GET', url: `/api/users/${danaId}/picture` })
    expect(anonymous.statusCode).toBe(401)
  })

  it('[2.6] refuses SVG, a type its bytes are not, too many bytes and too many pixels', async () => {
    const gus = await t.login('gus@flare.test')
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    )
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ contentType: 'image/svg+xml', data: svg.toString('base64') }, 'contentType'],
      [{ contentType: 'image/png', data: svg.toString('base64') }, 'data'],
      [{ contentType: 'image/jpeg', data: PNG.toString('base64') }, 'data'],
      [{ contentType: 'image/png', data: 'not base64!' }, 'data'],
    ]
    const huge = Buffer.concat([PNG, Buffer.alloc(210 * 1024)])
    cases.push([{ contentType: 'image/png', data: huge.toString('base64') }, 'data'])
    const wide = Buffer.from(PNG)
    wide.writeUInt32BE(4000, 16)
    cases.push([{ contentType: 'image/png', data: wide.toString('base64') }, 'data'])
    for (const [payload, field] of cases) {
      const res = await put(gus, payload)
      expect(res.statusCode, JSON.stringify(res.json())).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'VALIDATION', field })
    }
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: gus } })
    expect(me.json().user.pictureUrl).toBeNull()
  })

  it('[2.6] removing it brings the initials back everywhere', async () => {
    const fatima = await t.login('fatima@flare.test')
    const fatimaId = await t.userId('fatima@flare.test')
    await put(fatima, { contentType: 'image/png', data: PNG.toString('base64') })
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/api/me/picture',
      headers: { cookie: fatima },
    })
    expect(removed.json()).toEqual({ pictureUrl: null })
    const gone = await t.app.inject({
      method: 'GET',
      url: `/api/users/${fatimaId}/picture`,
      headers: { cookie: fatima },
    })
    expect(gone.statusCode).toBe(404)
  })
})
