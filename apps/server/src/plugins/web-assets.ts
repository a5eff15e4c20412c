import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

export interface WebAssetsOptions {
  /** The built web app (Vite's `dist`, with its `.br` and `.gz` siblings beside the assets). */
  root: string
}

/** Vite names every file under `assets/` by its content's hash, so a name never changes meaning. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Everything else (index.html, favicon, sounds) keeps its name across builds: ask every time. */
export const REVALIDATE = 'no-cache'

function cacheControlFor(root: string, file: string): string {
  const relative = path.relative(root, file).split(path.sep)
  return relative[0] === 'assets' ? IMMUTABLE : REVALIDATE
}

/**
 * Serves the built web app: hashed assets precompressed (brotli, gzip) and cached for a year,
 * other files revalidated, and never a source map.
 */
export const webAssetsPlugin = fp<WebAssetsOptions>(
  async (app, { root }) => {
    await app.register(fastifyStatic, {
      root,
      // one route per file found at start; the compressed siblings and any map get none
      wildcard: false,
      globIgnore: ['**/*.map', '**/*.br', '**/*.gz'],
      allowedPath: (pathName) => !pathName.endsWith('.map'),
      index: false,
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, file) => {
        reply.header('cache-control', cacheControlFor(root, file))
      },
    })
  },
  { name: 'web-assets' },
)

/**
 * Whether a request that matched no route is a page of the web app (which routes on the
 * client) rather than a missing API route or file: those stay 404.
 */
export function isWebAppPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  const pathname = request.url.split('?')[0] ?? ''
  if (/^\/(api|socket\.io|assets)(\/|$)/.test(pathname)) return false
  // a name with an extension is a file that does not exist, not a page
  return !/\.[^/]*$/.test(pathname)
}

/** Answers with the web app's index.html, which must never be cached. */
export function sendWebApp(reply: FastifyReply): FastifyReply {
  return reply.type('text/html').sendFile('index.html')
}
