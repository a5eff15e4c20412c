import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { openDatabase } from '../src/db/database.js'
import { contentSecurityPolicy, securityHeadersPlugin } from '../src/plugins/security-headers.js'
import { testConfig } from './support.js'

// a built web app as Vite leaves it: hashed assets with their .br/.gz siblings and a hidden map
const SCRIPT = `console.log(${JSON.stringify('flare '.repeat(400))})\n`
const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head><body><div id="root"></div></body></html>'

/** A Content-Security-Policy header as a map of directive to its sources. */
function directives(header: unknown): Record<string, string> {
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name, sources.join(' ')]),
  )
}

async function fakeWebDist(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'flare-web-dist-'))
  await mkdir(path.join(root, 'assets'))
  await writeFile(path.join(root, 'index.html'), INDEX)
  await writeFile(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  const script = path.join(root, 'assets/index-AbC123.js')
  await writeFile(script, SCRIPT)
  await writeFile(`${script}.br`, brotliCompressSync(SCRIPT))
  await writeFile(`${script}.gz`, gzipSync(SCRIPT))
  await writeFile(`${script}.map`, '{"version":3,"sources":["secret-source.ts"]}')
  return root
}

async function startWith(webDist: string) {
  const database = await openDatabase({ kind: 'pglite', dataDir: null })
  return buildApp({
    config: { ...testConfig(), webDist },
    database,
    cookieSecret: 'test-cookie-secret-of-at-least-32-chars!',
    logger: false,
    scheduler: false,
  })
}

describe('[12] security headers, on pages and API answers alike', () => {
  let webDist = ''
  let app: FastifyInstance
  beforeAll(async () => {
    webDist = await fakeWebDist()
    app = await startWith(webDist)
  })
  afterAll(async () => {
    await app.close()
    await rm(webDist, { recursive: true, force: true })
  })

  const answers = [
    ['the app page', '/'],
    ['a client-side route', '/spaces/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed'],
    ['a hashed asset', '/assets/index-AbC123.js'],
    ['an API answer', '/api/health'],
    ['an API refusal', '/api/me'],
    ['a missing API route', '/api/nothing-here'],
    ['the API docs', '/api/docs'],
    ['a script of the API docs', '/api/docs/static/swagger-initializer.js'],
  ] as const

  it.each(answers)(
    '[12] %s carries the CSP, frame denial, nosniff and referrer policy',
    async (_, url) => {
      const res = await app.inject({ method: 'GET', url })
      const csp = directives(res.headers['content-security-policy'])
      expect(csp['default-src']).toBe("'self'")
      // no inline script anywhere, the API docs included
      expect(csp['script-src']).toBe("'self'")
      expect(csp['script-src-attr']).toBe("'none'")
      expect(csp['frame-ancestors']).toBe("'none'")
      expect(csp['object-src']).toBe("'none'")
      // pictures from this origin, inline data, and the page's own preview of a chosen file
      expect(csp['img-src']).toBe("'self' data: blob:")
      // Swagger UI alone injects <style> elements at run time
      const docs = url.startsWith('/api/docs')
      expect(csp['style-src']).toBe(docs ? "'self' 'unsafe-inline'" : "'self'")
      expect(res.headers['x-frame-options']).toBe('DENY')
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['referrer-policy']).toBe('same-origin')
      // plain http (the default PUBLIC_URL): HSTS would pin browsers to an https that is not there
      expect(res.headers['strict-transport-security']).toBeUndefined()
    },
  )

  it('[12.8] API reads, an error too, are not kept by caches; the app page is revalidated instead', async () => {
    for (const url of ['/api/health', '/api/me', '/api/nothing-here']) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.headers['cache-control'], url).toBe('no-store')
    }
    const page = await app.inject({ method: 'GET', url: '/' })
    expect(page.headers['cache-control']).not.toBe('no-store')
  })

  it('[12] lets the web app open its Socket.IO WebSocket to its own origin', () => {
    expect(contentSecurityPolicy('http://localhost:3000')['connect-src']).toEqual([
      "'self'",
      'ws://localhost:3000',
    ])
    expect(contentSecurityPolicy('https://flare.example.com')['connect-src']).toEqual([
      "'self'",
      'wss://flare.example.com',
    ])
  })

  it('[12] serves hashed assets precompressed: brotli, then gzip, then as they are', async () => {
    const url = '/assets/index-AbC123.js'
    const br = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br, gzip' } })
    expect(br.statusCode).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-type']).toMatch(/javascript/)
    expect(br.headers.vary).toMatch(/accept-encoding/i)
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT)

    const gz = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT)

    const plain = await app.inject({
      method: 'GET',
      url,
      headers: { 'accept-encoding': 'identity' },
    })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toBe(SCRIPT)
  })

  it('[12] caches hashed assets for a year, immutable, whatever the encoding', async () => {
    for (const encoding of ['br', 'gzip', 'identity']) {
      const res = await app.inject({
        method: 'GET',
        url: '/assets/index-AbC123.js',
        headers: { 'accept-encoding': encoding },
      })
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    }
  })

  it('[12] never lets index.html or other unhashed files be reused without asking', async () => {
    for (const url of ['/', '/index.html', '/spaces/x/settings', '/favicon.svg']) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['cache-control'], url).toBe('no-cache')
    }
    const page = await app.inject({ method: 'GET', url: '/spaces/x' })
    expect(page.headers['content-type']).toMatch(/text\/html/)
    expect(page.body).toBe(INDEX)
  })

  it('[12] never serves a source map, nor index.html in place of a missing file', async () => {
    for (const url of [
      '/assets/index-AbC123.js.map',
      '/assets/index-AbC123.js.br',
      '/assets/missing-Xyz.js',
      '/missing.css',
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br' } })
      expect(res.statusCode, url).toBe(404)
      expect(res.body, url).not.toContain('secret-source')
      expect(res.body, url).not.toContain('<div id="root">')
    }
  })
})

describe('[12] security headers behind https', () => {
  it('[12] sends HSTS and upgrades insecure requests when PUBLIC_URL is https', async () => {
    // the plugin alone: the rest of the app does not change what it sends
    const app = Fastify({ logger: false })
    await app.register(securityHeadersPlugin, { publicUrl: 'https://flare.example.com' })
    app.get('/', async () => ({ ok: true }))
    const res = await app.inject({ method: 'GET', url: '/' })
    await app.close()
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000')
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests')
  })
})
