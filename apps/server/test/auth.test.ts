import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { normaliseEmail } from '../src/auth/identity.js'
import { hashPassword } from '../src/auth/passwords.js'
import { users } from '../src/db/schema.js'
import { DEMO_PASSWORD } from '../src/demo/seed.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

describe.each(databaseKinds())('accounts on $name', (kind) => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp(kind)
  })
  afterAll(async () => {
    await t.close()
  })

  it('[1] logs in with email and password and sets an httpOnly SameSite=Lax session cookie', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'Dana@Flare.test', password: DEMO_PASSWORD },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().user).toMatchObject({ email: 'dana@flare.test', displayName: 'Dana Reyes' })
    expect(res.json().user.passwordHash).toBeUndefined()
    const cookie = res.cookies.find((c) => c.name === 'flare_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(cookie?.secure).toBeFalsy()
  })

  it('[1] GET /api/me says who is logged in and in which spaces with which role', async () => {
    const cookie = await t.login('manager@flare.test')
    const res = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      user: expect.objectContaining({ email: 'manager@flare.test', displayName: 'Max Manager' }),
      spaces: [{ id: t.spaceId, name: 'Contact Center', role: 'manager' }],
    })
  })

  it('answers a wrong password and an unknown user alike, with 401 INVALID_CREDENTIALS', async () => {
    for (const payload of [
      { email: 'dana@flare.test', password: 'wrong' },
      { email: 'nobody@flare.test', password: DEMO_PASSWORD },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toEqual({
        error: {
          code: 'INVALID_CREDENTIALS',
          message: 'That email and password do not match an account.',
        },
      })
      expect(res.cookies).toHaveLength(0)
    }
  })

  it('refuses a malformed login body with 400 naming the field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'dana@flare.test', password: 42 },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'VALIDATION', field: 'password' })
  })

  it('refuses a body that is not JSON with a 4xx JSON error', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('VALIDATION')
  })

  it('answers 401 with no credentials, and with a tampered cookie', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/me' })
    expect(none.statusCode).toBe(401)
    expect(none.json().error.code).toBe('UNAUTHENTICATED')
    const tampered = await t.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: 'flare_session=abc.def' },
    })
    expect(tampered.statusCode).toBe(401)
  })

  it('expires a session after its lifetime', async () => {
    const cookie = await t.login('eli@flare.test')
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode,
    ).toBe(200)
    t.clock.advance(t.config.sessionTtlMs + 1)
    const res = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
    expect(res.statusCode).toBe(401)
    expect(res.json().error).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Your session has expired. Log in again.',
    })
  })

  it('logout ends exactly that session', async () => {
    const first = await t.login('fatima@flare.test')
    const second = await t.login('fatima@flare.test')
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: first },
    })
    expect(out.statusCode).toBe(204)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: first } }))
        .statusCode,
    ).toBe(401)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: second } }))
        .statusCode,
    ).toBe(200)
  })

  describe('API tokens', () => {
    it('creates a token shown once, lists it without the secret, and accepts it as Bearer', async () => {
      const cookie = await t.login('gus@flare.test')
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie },
        payload: { name: 'wallboard' },
      })
      expect(created.statusCode).toBe(201)
      const { token, secret } = created.json()
      expect(secret).toMatch(/^flr_[A-Za-z0-9_-]{40,}$/)
      expect(token).toMatchObject({
        name: 'wallboard',
        prefix: secret.slice(0, 10),
        lastUsedAt: null,
      })

      const list = await t.app.inject({ method: 'GET', url: '/api/tokens', headers: { cookie } })
      expect(list.json().tokens).toEqual([token])
      expect(list.body).not.toContain(secret)

      const me = await t.app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: `Bearer ${secret}` },
      })
      expect(me.statusCode).toBe(200)
      expect(me.json().user.email).toBe('gus@flare.test')
    })

    it('stores only a hash of the token', async () => {
      const cookie = await t.login('gus@flare.test')
      const { secret } = (
        await t.app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { cookie },
          payload: { name: 'ci' },
        })
      ).json()
      const rows = await t.database.query<{ token_hash: string }>(
        (await import('drizzle-orm')).sql`select token_hash from api_tokens`,
      )
      expect(rows.length).toBeGreaterThan(0)
      expect(rows.map((r) => r.token_hash)).not.toContain(secret)
    })

    it('refuses a revoked token with 401', async () => {
      const cookie = await t.login('dana@flare.test')
      const { token, secret } = (
        await t.app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { cookie },
          payload: { name: 'script' },
        })
      ).json()
      const revoke = await t.app.inject({
        method: 'DELETE',
        url: `/api/tokens/${token.id}`,
        headers: { cookie },
      })
      expect(revoke.statusCode).toBe(204)
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: `Bearer ${secret}` },
      })
      expect(res.statusCode).toBe(401)
      expect(res.json().error).toEqual({
        code: 'UNAUTHENTICATED',
        message: 'This API token has been revoked.',
      })
    })

    it('refuses an unknown token and a malformed Authorization header with 401', async () => {
      const unknown = await t.app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: 'Bearer flr_nope' },
      })
      expect(unknown.statusCode).toBe(401)
      const basic = await t.app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: 'Basic abc' },
      })
      expect(basic.statusCode).toBe(401)
    })

    it("cannot revoke someone else's token, and cannot mint tokens with a token", async () => {
      const dana = await t.login('dana@flare.test')
      const eli = await t.login('eli@flare.test')
      const { token, secret } = (
        await t.app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { cookie: dana },
          payload: { name: 'x' },
        })
      ).json()
      const theirs = await t.app.inject({
        method: 'DELETE',
        url: `/api/tokens/${token.id}`,
        headers: { cookie: eli },
      })
      expect(theirs.statusCode).toBe(404)
      const mint = await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { authorization: `Bearer ${secret}` },
        payload: { name: 'more' },
      })
      expect(mint.statusCode).toBe(403)
      expect(mint.json().error.code).toBe('FORBIDDEN')
    })

    it('refuses a token name that is empty or too long, never cutting it', async () => {
      const cookie = await t.login('dana@flare.test')
      for (const name of ['', 'x'.repeat(101)]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { cookie },
          payload: { name },
        })
        expect(res.statusCode).toBe(400)
        expect(res.json().error.field).toBe('name')
      }
    })
  })

  describe('space membership and roles', () => {
    it('[1] shows a space to its members', async () => {
      const cookie = await t.login('dana@flare.test')
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}`,
        headers: { cookie },
      })
      expect(res.statusCode).toBe(200)
      const body = res.json()
      expect(body.space.name).toBe('Contact Center')
      expect(body.role).toBe('agent')
      expect(body.rooms).toHaveLength(2)
      expect(body.groups.map((g: { handle: string }) => g.handle)).toEqual(['supervisors', 'tier1'])
      expect(body.members).toHaveLength(6)
    })

    it("[1] answers 404 to a member of space A asking for space B, as for a space that doesn't exist", async () => {
      const cookie = await t.login('dana@flare.test')
      const other = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.otherSpace.spaceId}`,
        headers: { cookie },
      })
      expect(other.statusCode).toBe(404)
      const missing = await t.app.inject({
        method: 'GET',
        url: '/api/spaces/00000000-0000-4000-8000-000000000000',
        headers: { cookie },
      })
      expect(missing.statusCode).toBe(404)
      expect(other.json()).toEqual(missing.json())
    })

    it('refuses a space id that is not a UUID with 400', async () => {
      const cookie = await t.login('dana@flare.test')
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/spaces/not-a-uuid',
        headers: { cookie },
      })
      expect(res.statusCode).toBe(400)
      expect(res.json().error.field).toBe('spaceId')
    })
  })
})

describe('the role guard', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0]!)
    // a route guarded for admins and managers, as rule and settings routes will be
    t.app.get(
      '/api/spaces/:spaceId/guarded',
      { preHandler: t.app.requireSpaceRole('admin', 'manager') },
      async (request) => ({ role: request.membership?.role }),
    )
  })
  afterAll(async () => {
    await t.close()
  })

  it('[1] lets admins and managers through and answers 403 to an agent', async () => {
    for (const [email, status] of [
      ['admin@flare.test', 200],
      ['manager@flare.test', 200],
      ['dana@flare.test', 403],
    ] as const) {
      const cookie = await t.login(email)
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}/guarded`,
        headers: { cookie },
      })
      expect(res.statusCode, email).toBe(status)
    }
  })

  it('answers 404, not 403, to an admin of another space', async () => {
    const cookie = await t.login(t.otherSpace.email)
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/guarded`,
      headers: { cookie },
    })
    expect(res.statusCode).toBe(404)
  })
})

describe.each(databaseKinds())('login limits on $name', (kind) => {
  let t: TestApp
  // each test uses its own address and accounts, so they share one app without meeting
  const login = (email: string, password: string, ip: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
      remoteAddress: ip,
    })
  beforeAll(async () => {
    t = await startTestApp(kind, { loginLimits: { accountFailures: 5, addressFailures: 20 } })
  })
  afterAll(async () => {
    await t.close()
  })

  it('[1] one bucket per account however the email is written: 30 wrong, then the right one, is refused with 429 and Retry-After', async () => {
    const variants = [
      'admin@flare.test',
      ' admin@flare.test',
      '\tADMIN@flare.test ',
      'Admin@Flare.Test\n',
      '\u00a0admin@FLARE.test',
    ]
    const answers: number[] = []
    for (let i = 0; i < 30; i += 1) {
      answers.push((await login(variants[i % variants.length]!, 'wrong', '10.0.1.1')).statusCode)
    }
    expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(new Set(answers.slice(5))).toEqual(new Set([429]))
    const right = await login(' ADMIN@flare.test', DEMO_PASSWORD, '10.0.1.1')
    expect(right.statusCode).toBe(429)
    expect(right.json()).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/Try again in \d+ seconds/),
        retryAfterMs: expect.any(Number),
      },
    })
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0)
    expect(right.cookies).toHaveLength(0)
  })

  it('[1] the lock grows with each failure after it and ends by itself; a success clears the account', async () => {
    const ip = '10.0.1.2'
    for (let i = 0; i < 5; i += 1) await login('dana@flare.test', 'wrong', ip)
    const first = await login('dana@flare.test', DEMO_PASSWORD, ip)
    expect(first.statusCode).toBe(429)
    expect(first.headers['retry-after']).toBe('60')
    t.clock.advance(60_000)
    // the lock is over: one more failure locks it again, for twice as long
    expect((await login('dana@flare.test', 'wrong', ip)).statusCode).toBe(401)
    expect((await login('dana@flare.test', 'wrong', ip)).headers['retry-after']).toBe('120')
    t.clock.advance(120_000)
    expect((await login('dana@flare.test', DEMO_PASSWORD, ip)).statusCode).toBe(200)
    // a clean slate: five more failures are needed to lock it again
    for (let i = 0; i < 4; i += 1) {
      expect((await login('dana@flare.test', 'wrong', ip)).statusCode).toBe(401)
    }
  })

  it('[1] caps one address across accounts at a higher number; another address is not affected', async () => {
    for (const n of [1, 2, 3, 4]) {
      for (let i = 0; i < 5; i += 1) await login(`guess${n}@flare.test`, 'wrong', '10.0.1.3')
    }
    // 20 failures from this address: even a right password for an untouched account waits
    const other = await login('manager@flare.test', DEMO_PASSWORD, '10.0.1.3')
    expect(other.statusCode).toBe(429)
    expect(other.json().error.code).toBe('RATE_LIMITED')
    expect((await login('manager@flare.test', DEMO_PASSWORD, '10.0.1.33')).statusCode).toBe(200)
  })

  it('[1] successful logins from one address (an office behind one NAT) never lock it', async () => {
    for (let i = 0; i < 21; i += 1) {
      expect((await login('eli@flare.test', DEMO_PASSWORD, '10.0.1.4')).statusCode).toBe(200)
    }
  })

  it('[1] counts attempts made at once: of 12 parallel guesses at most 5 are checked', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => login('gus@flare.test', 'wrong', '10.0.1.5')),
    )
    expect(answers.filter((r) => r.statusCode === 401).length).toBeLessThanOrEqual(5)
    expect(answers.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(7)
  })

  it('[1] stores and finds accounts by one normal form (NFC): a decomposed "é" logs in the composed account', async () => {
    await t.database.db.insert(users).values({
      email: normaliseEmail('Zoé@flare.test'),
      displayName: 'Zoé',
      passwordHash: await hashPassword(DEMO_PASSWORD),
    })
    const decomposed = 'zoe\u0301@flare.test'
    expect((await login(decomposed, DEMO_PASSWORD, '10.0.1.6')).statusCode).toBe(200)
  })
})

describe('cookies over https', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0]!, {
      config: { PUBLIC_URL: 'https://flare.example.com' },
    })
  })
  afterAll(async () => {
    await t.close()
  })

  it('[1] marks the session cookie Secure when Flare is served over https', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'dana@flare.test', password: DEMO_PASSWORD },
    })
    expect(res.cookies.find((c) => c.name === 'flare_session')?.secure).toBe(true)
  })
})

describe('preferences', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0]!)
  })
  afterAll(async () => {
    await t.close()
  })

  it('[7] a user turns their own sound off, and it stays off', async () => {
    const cookie = await t.login('eli@flare.test')
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/me/preferences',
      headers: { cookie },
      payload: { sound: false },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ emailNotifications: true, sound: false, push: false })
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
    expect(me.json().user.preferences.sound).toBe(false)
  })

  it('refuses an empty or unknown preference change', async () => {
    const cookie = await t.login('eli@flare.test')
    for (const payload of [{}, { volume: 3 }, { sound: 'off' }]) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: '/api/me/preferences',
        headers: { cookie },
        payload,
      })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
    }
  })
})

describe.each(databaseKinds())('login limits behind a reverse proxy on $name', (kind) => {
  let t: TestApp
  const proxy = '10.0.9.1'
  const login = (email: string, password: string, peer: string, forwardedFor: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
      remoteAddress: peer,
      headers: { 'x-forwarded-for': forwardedFor },
    })
  beforeAll(async () => {
    t = await startTestApp(kind, {
      config: { TRUST_PROXY: proxy },
      loginLimits: { accountFailures: 5, addressFailures: 20 },
    })
  })
  afterAll(async () => {
    await t.close()
  })

  it('[1.6.4] counts the client X-Forwarded-For names when the proxy is trusted, so one guesser does not lock everyone behind it', async () => {
    for (const n of [1, 2, 3, 4]) {
      for (let i = 0; i < 5; i += 1) {
        await login(`proxied${n}@flare.test`, 'wrong', proxy, '203.0.113.7')
      }
    }
    const guesser = await login('manager@flare.test', DEMO_PASSWORD, proxy, '203.0.113.7')
    expect(guesser.statusCode).toBe(429)
    expect(
      (await login('manager@flare.test', DEMO_PASSWORD, proxy, '203.0.113.8')).statusCode,
    ).toBe(200)
  })

  it('[1.6.4] ignores X-Forwarded-For from a peer that is not a trusted proxy: forging it changes nothing', async () => {
    const peer = '10.0.9.2'
    for (const n of [1, 2, 3, 4]) {
      for (let i = 0; i < 5; i += 1) {
        await login(`forged${n}@flare.test`, 'wrong', peer, `198.51.100.${n * 10 + i}`)
      }
    }
    const again = await login('manager@flare.test', DEMO_PASSWORD, peer, '198.51.100.99')
    expect(again.statusCode).toBe(429)
  })
})
