import type {
  ClientToServerEvents,
  ConnectErrorData,
  PresenceFormat,
  PresenceUpdate,
  Result,
  ServerToClientEvents,
  SpaceSnapshot,
} from '@flare/protocol'
import { io, type Socket } from 'socket.io-client'

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>

/** Real socket.io-clients over loopback, closed together at the end of each test. */
export class Clients {
  private readonly open: Client[] = []
  constructor(private readonly url: () => string) {}

  connect(options: {
    spaceId?: unknown
    cookie?: string
    token?: string
    transports?: ('websocket' | 'polling')[]
    reconnection?: boolean
    /** More handshake headers, e.g. the `origin` a browser would send. */
    headers?: Record<string, string>
    /** `auth.presenceFormat` (left out unless given; any value, to test refusals too). */
    presenceFormat?: unknown
  }): Client {
    const auth: Record<string, unknown> = {}
    if (options.spaceId !== undefined) auth.spaceId = options.spaceId
    if (options.token) auth.token = options.token
    if (options.presenceFormat !== undefined) auth.presenceFormat = options.presenceFormat
    const c: Client = io(this.url(), {
      auth,
      reconnection: options.reconnection ?? false,
      reconnectionDelay: 50,
      forceNew: true,
      extraHeaders: { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
      transports: options.transports ?? ['websocket'],
    })
    this.open.push(c)
    return c
  }

  /** Connects and waits for the snapshot. */
  async join(
    spaceId: string,
    cookie: string,
    options: { presenceFormat?: PresenceFormat; transports?: ('websocket' | 'polling')[] } = {},
  ): Promise<{ client: Client; snapshot: SpaceSnapshot }> {
    const client = this.connect({ spaceId, cookie, ...options })
    return { client, snapshot: await snapshotOf(client) }
  }

  closeAll(): void {
    for (const c of this.open.splice(0)) c.disconnect()
  }
}

export function snapshotOf(c: Client): Promise<SpaceSnapshot> {
  return new Promise((resolve, reject) => {
    c.once('space:snapshot', resolve)
    c.once('connect_error', reject)
  })
}

export function refusalOf(c: Client): Promise<ConnectErrorData> {
  return new Promise((resolve, reject) => {
    c.once('connect_error', (err) => resolve((err as Error & { data: ConnectErrorData }).data))
    c.once('connect', () => reject(new Error('connected but should have been refused')))
  })
}

/** Calls `listener` with every presence update a client receives. Returns how to stop. */
export function onPresence(c: Client, listener: (u: PresenceUpdate) => void): () => void {
  c.on('presence:update', listener)
  return () => {
    c.off('presence:update', listener)
  }
}

/** The next presence update matching `match` (others are passed over). */
export function nextPresence(
  c: Client,
  match: (u: PresenceUpdate) => boolean = () => true,
): Promise<PresenceUpdate> {
  return new Promise((resolve) => {
    let done = false
    const stop = onPresence(c, (u) => {
      if (done || !match(u)) return
      done = true
      stop()
      resolve(u)
    })
  })
}

/** Emits an event and resolves with its acknowledgement. */
export function emitAck<T extends object = Record<never, never>>(
  c: Client,
  event: string,
  payload: unknown,
): Promise<Result<T>> {
  return new Promise((resolve) => {
    ;(c.emit as (e: string, p: unknown, ack: (r: Result<T>) => void) => void)(
      event,
      payload,
      resolve,
    )
  })
}

/** Records every presence update a client receives. */
export function recordPresence(c: Client): PresenceUpdate[] {
  const seen: PresenceUpdate[] = []
  onPresence(c, (u) => seen.push(u))
  return seen
}
