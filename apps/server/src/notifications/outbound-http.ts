import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { BlockList, isIP, type LookupFunction } from 'node:net'

// Loopback, private, link-local, carrier-grade NAT, multicast and reserved ranges: a space admin
// must not be able to aim Flare's outbound requests at services inside the network (SSRF)
const PRIVATE = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4')
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  // NAT64 for local use (RFC 8215) and Teredo: gateways into networks we cannot see
  ['64:ff9b:1::', 48],
  ['2001::', 32],
  // discard-only and documentation prefixes: never a real destination
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  // site-local, deprecated (RFC 3879) but still routed inside some networks
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6')
}

/** An IPv6 address (as `isIP` accepts it, a dotted IPv4 tail too) as its eight 16-bit groups. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '')
  const dotted = text.match(/^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number]
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)))
  const front = part(head)
  const back = tail === undefined ? [] : part(tail)
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back]
}

/**
 * The IPv4 address an IPv6 address reaches, when it embeds one: IPv4-mapped (`::ffff:0:0/96`),
 * IPv4-translated (`::ffff:0:0:0/96`, SIIT), IPv4-compatible (`::/96`), NAT64
 * (`64:ff9b::/96`) and 6to4 (`2002::/16`). In whatever form
 * it is written: `new URL` turns `[64:ff9b::10.0.0.1]` into `[64:ff9b::a00:1]`.
 */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address)
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0)
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return v4(g[6] ?? 0, g[7] ?? 0)
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return v4(g[6] ?? 0, g[7] ?? 0)
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6] ?? 0, g[7] ?? 0)
  if (g[0] === 0x2002) return v4(g[1] ?? 0, g[2] ?? 0)
  return null
}

/** Whether an IP address is loopback, private or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 4) return PRIVATE.check(address, 'ipv4')
  if (family !== 6) return true
  if (PRIVATE.check(address, 'ipv6')) return true
  // an address that carries an IPv4 address reaches that address
  const inside = embeddedIpv4(address)
  return inside !== null && PRIVATE.check(inside, 'ipv4')
}

/** A refusal or failure of an outbound request, with whether trying again may help. */
export class OutboundError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message)
    this.name = 'OutboundError'
  }
}

function hostnameOf(url: URL): string {
  // `new URL('http://[::1]/').hostname` is `[::1]`
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

/** A DNS lookup that refuses private answers, used at connect time (no rebinding between check and use). */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0)
        return
      }
      const list = addresses as LookupAddress[]
      const refused = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address))
      if (refused) {
        callback(
          Object.assign(
            new Error(`${hostname} resolves to a private address (${refused.address})`),
            { code: 'EPRIVATE' },
          ),
          '',
          0,
        )
        return
      }
      if (options.all) callback(null, list)
      else {
        const first = list[0]
        if (!first) callback(new Error(`${hostname} has no address`), '', 0)
        else callback(null, first.address, first.family)
      }
    })
  }
}

/**
 * Why `text` cannot be used as an outbound URL, or null when it can: http(s) only, and (unless
 * private addresses are allowed) a host that resolves to public addresses only. Used when a
 * URL is saved, so the admin hears of it at once; sending checks again at connect time.
 */
export async function outboundUrlProblem(
  text: string,
  allowPrivate: boolean,
): Promise<string | null> {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'not a URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL'
  if (allowPrivate) return null
  const host = hostnameOf(url)
  if (isIP(host)) return isPrivateAddress(host) ? `${host} is a private address` : null
  try {
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) => {
      dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found)))
    })
    const refused = addresses.find((a) => isPrivateAddress(a.address))
    return refused ? `${host} resolves to a private address (${refused.address})` : null
  } catch {
    return `${host} could not be resolved`
  }
}

export interface OutboundRequest {
  url: string
  method: 'POST' | 'GET'
  headers: Record<string, string>
  body?: string | Buffer
  timeoutMs: number
  allowPrivate: boolean
}

export interface OutboundResponse {
  status: number
  headers: http.IncomingHttpHeaders
  /** The first 64 KiB of the body, as text. */
  body: string
}

const MAX_RESPONSE = 64 * 1024
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
])

/**
 * One outbound HTTP request with a deadline, refusing private addresses unless allowed (at
 * connect time, so a name cannot resolve differently between a check and the request).
 * Resolves with any HTTP status; rejects with an `OutboundError` when no answer came.
 */
export function sendOutbound(request: OutboundRequest): Promise<OutboundResponse> {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return Promise.reject(new OutboundError(`not a URL: ${request.url}`, false))
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new OutboundError(`not an http(s) URL: ${request.url}`, false))
  }
  const host = hostnameOf(url)
  if (!request.allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return Promise.reject(
      new OutboundError(
        `refused: ${host} is a private address (set ALLOW_PRIVATE_URLS=true to allow it)`,
        false,
      ),
    )
  }
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: request.method,
        headers: {
          ...request.headers,
          ...(request.body !== undefined
            ? { 'content-length': String(Buffer.byteLength(request.body)) }
            : {}),
        },
        lookup: guardedLookup(request.allowPrivate),
        // no connection reuse: each delivery stands alone, and a stale socket cannot fail it
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE) chunks.push(chunk)
          size += chunk.length
        })
        res.on('end', () => {
          clearTimeout(deadline)
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE).toString('utf8'),
          })
        })
        res.on('error', (error) => {
          clearTimeout(deadline)
          reject(new OutboundError(`the response broke off: ${error.message}`, true))
        })
      },
    )
    const deadline = setTimeout(() => {
      req.destroy(
        Object.assign(new Error(`no answer within ${request.timeoutMs} ms`), {
          code: 'ETIMEDOUT',
        }),
      )
    }, request.timeoutMs)
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline)
      if (error.code === 'EPRIVATE') {
        reject(
          new OutboundError(
            `refused: ${error.message} (set ALLOW_PRIVATE_URLS=true to allow it)`,
            false,
          ),
        )
        return
      }
      if (error.code === 'ENOTFOUND') {
        reject(new OutboundError(`no such host: ${host}`, false))
        return
      }
      const retryable = RETRYABLE_CODES.has(error.code ?? '') || error.code === undefined
      reject(new OutboundError(`${error.code ?? 'error'}: ${error.message}`, retryable))
    })
    if (request.body !== undefined) req.end(request.body)
    else req.end()
  })
}

/**
 * `Retry-After` in milliseconds from `now`: delta-seconds or an HTTP date; null when absent
 * or unreadable.
 */
export function retryAfterMs(value: string | string[] | undefined, now: Date): number | null {
  const text = Array.isArray(value) ? value[0] : value
  if (!text) return null
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime())
}
