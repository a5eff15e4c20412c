import helmet from '@fastify/helmet'
import fp from 'fastify-plugin'

export interface SecurityHeadersOptions {
  /** Where people reach Flare (config `PUBLIC_URL`); https turns on HSTS. */
  publicUrl: string
}

/**
 * The Content-Security-Policy of every answer. The web app (Vite's build), the Swagger UI at
 * /api/docs and Socket.IO all pass it: scripts and styles come only from files of this origin,
 * never from inline code.
 *
 * @example
 * contentSecurityPolicy('https://flare.example.com')['connect-src']
 * // ["'self'", 'wss://flare.example.com']
 */
export function contentSecurityPolicy(publicUrl: string): Record<string, string[]> {
  const url = new URL(publicUrl)
  const https = url.protocol === 'https:'
  // 'self' covers same-origin WebSockets in current browsers; the explicit ws(s) origin of
  // PUBLIC_URL is for those that read 'self' as http(s) only
  const socketOrigin = `${https ? 'wss' : 'ws'}://${url.host}`
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    // blob: the preview of a picture chosen from disk before it is sent (the page makes the
    // URL itself; no other origin can)
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", socketOrigin],
    'object-src': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    // on plain http (localhost, a LAN address) upgrading would break every request
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  }
}

/**
 * The CSP of the Swagger UI at /api/docs: the app's, with inline styles, which Swagger UI
 * injects at run time. Scripts stay as strict as everywhere else.
 */
export function docsContentSecurityPolicy(header: string): string {
  return header.replace(/style-src 'self'/, "style-src 'self' 'unsafe-inline'")
}

/**
 * Security headers on every answer, pages and API alike: the CSP above, no framing, nosniff,
 * a same-origin referrer policy, and HSTS when Flare is reached over https; API reads (GET)
 * are not stored by caches (`no-store`) unless their route sets its own `Cache-Control`.
 */
export const securityHeadersPlugin = fp<SecurityHeadersOptions>(
  async (app, { publicUrl }) => {
    const https = new URL(publicUrl).protocol === 'https:'
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(publicUrl) },
      xFrameOptions: { action: 'deny' },
      // same-origin keeps the Origin header on the app's own form and fetch requests (which
      // no-referrer would turn into "null") while telling other sites nothing
      referrerPolicy: { policy: 'same-origin' },
      // without includeSubDomains: Flare may sit beside other hosts of a company's domain
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    })
    // what the API reads out is one person's data and sometimes a secret (an inbox's webhook
    // secret): no browser or proxy keeps a GET's answer, unless its route says otherwise (a
    // picture names its own caching). Answers to other methods are not stored by caches anyway
    // (HTTP gives them no freshness).
    app.addHook('onSend', async (request, reply) => {
      const read = request.method === 'GET' || request.method === 'HEAD'
      if (read && request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) {
        reply.header('cache-control', 'no-store')
      }
    })
  },
  { name: 'security-headers' },
)
