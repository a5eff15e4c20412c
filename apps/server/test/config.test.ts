import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'

describe('configuration from the environment', () => {
  it('starts with no settings at all on the embedded database under ./data', () => {
    const config = loadConfig({}, '/srv/flare')
    expect(config).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      database: { kind: 'pglite', dataDir: '/srv/flare/data/pglite' },
      redisUrl: null,
      demo: true,
    })
  })

  it('switches to PostgreSQL with DATABASE_URL and keeps DATA_DIR relative to the working folder', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/flare' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@db:5432/flare',
    })
    expect(loadConfig({ DATA_DIR: 'state' }, '/srv').database).toEqual({
      kind: 'pglite',
      dataDir: '/srv/state/pglite',
    })
  })

  it('names every bad setting at once', () => {
    let error: unknown
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        REDIS_URL: 'localhost:6379',
        SESSION_SECRET: 'short',
        LOG_LEVEL: 'loud',
        FLARE_DEMO: 'maybe',
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    expect(problems).toHaveLength(6)
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'REDIS_URL',
      'SESSION_SECRET',
      'LOG_LEVEL',
      'FLARE_DEMO',
    ]) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true)
    }
  })

  it('[7.2.2][7.2.3][12.5] reads the notification settings: MAIL_FROM, the SMS API and ALLOW_PRIVATE_URLS', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://flare.example.com' })).toMatchObject({
      smtpUrl: null,
      mailFrom: 'Flare <flare@flare.example.com>',
      sms: null,
      allowPrivateUrls: false,
    })
    expect(
      loadConfig({
        SMTP_URL: 'smtp://user:pass@mail.example.com:587',
        MAIL_FROM: 'Support Desk <desk@example.com>',
        SMS_API_URL: 'https://api.twilio.com/',
        SMS_ACCOUNT_SID: 'AC123',
        SMS_AUTH_TOKEN: 'token',
        ALLOW_PRIVATE_URLS: 'true',
      }),
    ).toMatchObject({
      smtpUrl: 'smtp://user:pass@mail.example.com:587',
      mailFrom: 'Support Desk <desk@example.com>',
      sms: { apiUrl: 'https://api.twilio.com', accountSid: 'AC123', authToken: 'token' },
      allowPrivateUrls: true,
    })
  })

  it('[7.2.2][7.2.3] names bad notification settings', () => {
    let error: unknown
    try {
      loadConfig({
        SMTP_URL: 'mail.example.com',
        MAIL_FROM: 'not an address',
        SMS_API_URL: 'https://api.twilio.com',
        ALLOW_PRIVATE_URLS: 'sometimes',
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    for (const name of ['SMTP_URL', 'MAIL_FROM', 'SMS_API_URL needs', 'ALLOW_PRIVATE_URLS']) {
      expect(
        problems.some((p) => p.startsWith(name)),
        name,
      ).toBe(true)
    }
  })

  it('[12] reads ALLOWED_ORIGINS as comma-separated origins and refuses anything with a path', () => {
    expect(
      loadConfig({ ALLOWED_ORIGINS: ' https://Wall.example.com/ , http://localhost:5173' })
        .allowedOrigins,
    ).toEqual(['https://wall.example.com', 'http://localhost:5173'])
    expect(loadConfig({}).allowedOrigins).toEqual([])
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://a.example/path' })).toThrow(
      /ALLOWED_ORIGINS/,
    )
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'wall.example.com' })).toThrow(/ALLOWED_ORIGINS/)
  })
  it('[1.6.4] reads TRUST_PROXY as off, a hop count, or addresses and ranges, and names a bad one', () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      'loopback',
      '::1',
    ])
    for (const bad of ['proxy.example.com', '10.0.0.0/33', '10.0.0.1/8/1', 'true']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/)
    }
  })
})
