import { createHmac, timingSafeEqual } from 'node:crypto'
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
