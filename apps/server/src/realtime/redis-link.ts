import { EventEmitter } from 'node:events'
import type { FastifyBaseLogger } from 'fastify'
import { Redis, type RedisOptions } from 'ioredis'

export type RedisState = 'up' | 'down'

export interface RedisLinkEvents {
  /** Every connection is (again) ready: state written during an outage must be re-sent. */
  up: [afterOutage: boolean]
  down: []
}

export interface RedisLinkOptions {
  url: string
  log: FastifyBaseLogger
  /** The longest wait between reconnection attempts. */
  maxBackoffMs?: number
}

/**
 * The process's connections to Redis: one for commands and publishing, one for the Socket.IO
 * adapter's subscriptions, one for presence's. It never lets an outage end the process: every
 * client has an `error` listener, reconnects with a backoff capped at `maxBackoffMs`, and the
 * adapter's publishes, which reject while Redis is away, are caught here. An outage is logged
 * once when it starts and once when it ends, and `state` tells the health route.
 *
 * @example
 * const link = new RedisLink({ url: 'redis://127.0.0.1:6379', log })
 * link.on('up', (afterOutage) => { if (afterOutage) resync() })
 */
export class RedisLink extends EventEmitter<RedisLinkEvents> {
  readonly commands: Redis
  readonly adapterSub: Redis
  readonly presenceSub: Redis
  private current: RedisState = 'down'
  private everUp = false
  private outageLogged = false
  private droppedPublishes = 0
  private closing = false
  private readonly clients: Redis[]
  private readonly log: FastifyBaseLogger
  private readonly safeUrl: string

  constructor({ url, log, maxBackoffMs = 2_000 }: RedisLinkOptions) {
    super()
    this.log = log
    this.safeUrl = redactedUrl(url)
    const base: RedisOptions = {
      retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 10), maxBackoffMs),
      // a command waiting for a reconnection fails after one attempt instead of twenty
      maxRetriesPerRequest: 1,
    }
    // while Redis is away a publish fails at once rather than piling up in memory; the
    // subscribers instead wait, and re-subscribe by themselves when it is back
    this.commands = new Redis(url, { ...base, enableOfflineQueue: false })
    this.adapterSub = new Redis(url, { ...base, maxRetriesPerRequest: null })
    this.presenceSub = new Redis(url, { ...base, maxRetriesPerRequest: null })
    this.clients = [this.commands, this.adapterSub, this.presenceSub]
    for (const client of this.clients) {
      // without a listener an 'error' event ends the process
      client.on('error', (error: Error) => this.markDown(error.message))
      client.on('close', () => this.markDown('connection closed'))
      client.on('ready', () => this.checkUp())
    }

    // the Socket.IO adapter publishes without handling the promise; a rejection while Redis is
    // away would be unhandled and end the process (STACK-NOTES trap 13)
    const publish = this.commands.publish.bind(this.commands)
    const guarded = (channel: string | Buffer, message: string | Buffer): Promise<number> => {
      const sent = publish(channel, message)
      sent.catch(() => {
        this.droppedPublishes += 1
      })
      return sent
    }
    Object.defineProperty(this.commands, 'publish', { value: guarded })
  }

  get state(): RedisState {
    return this.current
  }

  /** Publishes dropped while Redis was away (what they carried is re-synced when it returns). */
  get dropped(): number {
    return this.droppedPublishes
  }

  async close(): Promise<void> {
    this.closing = true
    await Promise.all(
      this.clients.map((c) =>
        c.status === 'ready'
          ? c.quit().then(
              () => {},
              () => c.disconnect(),
            )
          : c.disconnect(),
      ),
    )
  }

  private markDown(reason: string): void {
    if (this.closing) return
    if (!this.outageLogged) {
      this.log.error(
        { redis: this.safeUrl, reason },
        'Redis is unreachable: this process keeps serving its own clients, without the other processes, and reconnects with backoff',
      )
      this.outageLogged = true
    }
    if (this.current === 'up') {
      this.current = 'down'
      this.emit('down')
    }
  }

  private checkUp(): void {
    if (this.closing || this.current === 'up') return
    if (!this.clients.every((c) => c.status === 'ready')) return
    this.current = 'up'
    const afterOutage = this.everUp || this.outageLogged
    if (this.outageLogged) {
      this.log.warn(
        { redis: this.safeUrl },
        'Redis is reachable again: re-syncing presence and clients',
      )
    }
    this.outageLogged = false
    this.everUp = true
    this.emit('up', afterOutage)
  }
}

function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'redis'
  }
}
