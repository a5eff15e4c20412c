import {
  createDecipheriv,
  createECDH,
  createHmac,
  createPublicKey,
  type ECDH,
  randomBytes,
  timingSafeEqual,
  verify,
} from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** Real outside services for the notification suites, each on a free loopback port. */

export interface ReceivedMail {
  parsed: ParsedMail
  messageId: string | undefined
  idempotencyKey: string | undefined
  to: string
}

/**
 * A real SMTP server (smtp-server) that parses each mail with mailparser. `stop()` and
 * `start()` take it down and bring it back on the same port, as an outage would.
 */
export class LocalSmtp {
  readonly mails: ReceivedMail[] = []
  /** Addresses refused at `RCPT TO` with 550, as a server refuses an unknown mailbox. */
  readonly unknown = new Set<string>()
  private server: SMTPServer | null = null
  private waiters: Array<() => void> = []
  port = 0

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (!this.unknown.has(address.address.toLowerCase())) return callback()
        callback(Object.assign(new Error('5.1.1 no such mailbox here'), { responseCode: 550 }))
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            const key = parsed.headers.get('x-flare-idempotency-key')
            this.mails.push({
              parsed,
              messageId: parsed.messageId,
              idempotencyKey: typeof key === 'string' ? key : undefined,
              to: parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '',
            })
            for (const wake of this.waiters.splice(0)) wake()
            callback()
          })
          .catch(callback)
      },
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    // smtp-server keeps the net.Server as `server`
    const address = (server as unknown as { server: Server }).server.address() as AddressInfo
    this.port = address.port
    this.server = server
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Resolves once `count` mails have arrived. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.mails.length < count) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`expected ${count} mails, got ${this.mails.length}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }
}

export interface ReceivedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
  raw: Buffer
  at: number
}

export interface CannedAnswer {
  status: number
  headers?: Record<string, string>
  body?: string
  /** Never answer (a provider that hangs). */
  hang?: boolean
}

/**
 * A local HTTP server that records every request and answers from a script: `answers` are
 * used in order, then `fallback`. Serves as the SMS provider (Twilio's Messages API), a Slack
 * incoming webhook, a webhook receiver and a push service.
 */
export class LocalHttp {
  readonly requests: ReceivedRequest[] = []
  answers: CannedAnswer[] = []
  fallback: CannedAnswer = { status: 200, body: 'ok' }
  private server: Server | null = null
  private waiters: Array<() => void> = []
  port = 0

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          raw: Buffer.concat(chunks),
          at: Date.now(),
        })
        for (const wake of this.waiters.splice(0)) wake()
        const answer = this.answers.shift() ?? this.fallback
        if (answer.hang) return
        res.writeHead(answer.status, answer.headers ?? {})
        res.end(answer.body ?? '')
      })
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()))
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Requests whose path starts with `prefix`. */
  to(prefix: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.url.startsWith(prefix))
  }

  /** Resolves once `count` requests to `prefix` have arrived. */
  async waitFor(prefix: string, count: number, timeoutMs = 10_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs
    while (this.to(prefix).length < count) {
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(`expected ${count} requests to ${prefix}, got ${this.to(prefix).length}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.to(prefix)
  }
}

/** A Twilio Messages API answer for a message it took. */
export function twilioAccepted(sid: string): CannedAnswer {
  return {
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sid, status: 'queued' }),
  }
}

/** Verifies `Flare-Signature` as a receiver would: HMAC-SHA256 over "<t>.<raw body>". */
export function signatureVerifies(secret: string, header: string, rawBody: string): boolean {
  const t = header.match(/(?:^|,)t=(\d+)/)?.[1]
  const v1 = header.match(/(?:^|,)v1=([0-9a-f]+)/)?.[1]
  if (!t || !v1) return false
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest()
  const given = Buffer.from(v1, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** A browser's side of a push subscription: its key pair and auth secret (RFC 8291). */
export class PushBrowser {
  readonly ecdh: ECDH = createECDH('prime256v1')
  readonly auth = randomBytes(16)
  constructor() {
    this.ecdh.generateKeys()
  }

  /** `PushSubscription.toJSON()` for an endpoint. */
  subscription(endpoint: string) {
    return {
      endpoint,
      expirationTime: null,
      keys: {
        p256dh: this.ecdh.getPublicKey().toString('base64url'),
        auth: this.auth.toString('base64url'),
      },
    }
  }

  /** Decrypts an `aes128gcm` push message body as the browser would (RFC 8188, RFC 8291). */
  decrypt(body: Buffer): string {
    const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest()
    const salt = body.subarray(0, 16)
    const idLength = body.readUInt8(20)
    const serverKey = body.subarray(21, 21 + idLength)
    const ciphertext = body.subarray(21 + idLength)
    const shared = this.ecdh.computeSecret(serverKey)
    const keyInfo = Buffer.concat([
      Buffer.from('WebPush: info\0'),
      this.ecdh.getPublicKey(),
      serverKey,
    ])
    const ikm = hmac(hmac(this.auth, shared), Buffer.concat([keyInfo, Buffer.from([1])]))
    const prk = hmac(salt, ikm)
    const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16)
    const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12)
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16))
    const padded = Buffer.concat([
      decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
      decipher.final(),
    ])
    // the last record ends with the delimiter 2, then zero padding
    let end = padded.length - 1
    while (end >= 0 && padded[end] === 0) end -= 1
    return padded.subarray(0, end).toString('utf8')
  }
}

/** Checks a Web Push `Authorization: vapid t=<jwt>, k=<key>` header: signed by `publicKey`, for `audience`. */
export function vapidVerifies(header: string, publicKey: string, audience: string): boolean {
  const jwt = header.match(/t=([^,\s]+)/)?.[1]
  const k = header.match(/k=([^,\s]+)/)?.[1]
  if (!jwt || k !== publicKey) return false
  const [head, payload, signature] = jwt.split('.')
  if (!head || !payload || !signature) return false
  const raw = Buffer.from(publicKey, 'base64url')
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  })
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${payload}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  )
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: string }
  return signed && claims.aud === audience
}
