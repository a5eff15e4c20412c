// One client process of `npm run bench:fanout`: holds a share of the clients of both servers
// (Flare and the bare baseline), connects them when told, and reports when each of its clients
// has settled and when each received a raised hand. Spreading the clients over several such
// processes keeps one event loop's parsing from stalling every client (and the server's pings)
// during a join storm; both servers get the same processes and the same clients.
import {
  type EscalationDto,
  type PresenceRow,
  type PresenceUpdate,
  presenceUpdatesOfRows,
  type SpaceSnapshot,
  snapshotMembers,
} from '@flare/protocol/client'
import { io, type Socket } from 'socket.io-client'
import { type Command, epochNow, isCommand, type Report, type Target } from './fanout-protocol.js'

function send(report: Report): void {
  process.send?.(report)
}

/** The number `text` ends with from `from` on (`Agent 00042` from 6: 42), or -1; no copies. */
function digitsAfter(text: string, from: number): number {
  if (text.length <= from) return -1
  let n = 0
  for (let i = from; i < text.length; i += 1) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    n = n * 10 + digit
  }
  return n
}

/**
 * Who one Flare client knows to be present, as a bitmap over the space's members. The bench's
 * members are named `Agent 00042`: their number is their slot, so counting costs no hashing
 * of a user id per member per client (a few million in a storm); anyone else gets a slot by id.
 */
class PresenceView {
  private static readonly byUserId = new Map<string, number>()
  private static named = new Uint8Array(0)
  private readonly known: Uint8Array
  count = 0
  settledAt = 0
  snapshotAt = 0

  constructor(private readonly members: number) {
    this.known = new Uint8Array(members + 64)
    if (PresenceView.named.length < members) PresenceView.named = new Uint8Array(members)
  }

  private slot(userId: string, displayName: string | null): number {
    if (displayName?.startsWith('Agent ')) {
      const n = digitsAfter(displayName, 6)
      if (n >= 0 && n < this.members) {
        if (!PresenceView.named[n]) {
          PresenceView.named[n] = 1
          PresenceView.byUserId.set(userId, n)
        }
        return n
      }
    }
    let i = PresenceView.byUserId.get(userId)
    if (i === undefined) {
      i = this.members + PresenceView.byUserId.size
      PresenceView.byUserId.set(userId, i)
    }
    return i
  }

  load(snapshot: SpaceSnapshot): void {
    this.known.fill(0)
    this.count = 0
    this.snapshotAt = epochNow()
    // decoded as the web app decodes it (a rows snapshot's members are in memberColumns)
    for (const m of snapshotMembers(snapshot)) this.add(m.userId, m.displayName)
  }

  apply(u: PresenceUpdate): void {
    if (u.kind === 'joined') this.add(u.member.userId, u.member.displayName)
    else if (u.kind === 'left') {
      const i = this.slot(u.userId, null)
      if (this.known[i]) {
        this.known[i] = 0
        this.count -= 1
      }
    }
  }

  private add(userId: string, displayName: string): void {
    const i = this.slot(userId, displayName)
    if (i >= this.known.length || this.known[i]) return
    this.known[i] = 1
    this.count += 1
    if (this.count >= this.members && !this.settledAt && this.snapshotAt)
      this.settledAt = epochNow()
  }
}

interface Group {
  clients: Socket[]
  /** Receipt times of the current round's `escalation:started`, per client (0: not yet). */
  started: Float64Array
  ended: Uint8Array
  /** Whether this round's receipts were reported. */
  reportedStarted: boolean
  reportedEnded: boolean
  armed: boolean
}

const groups = new Map<Target, Group>()
/**
 * Why this process's connections to each server dropped, by Socket.IO's reason ('ping
 * timeout', 'transport close', …): a dropped Flare client reconnects and takes a new snapshot,
 * so the storm's figure counts it.
 */
const dropped: Record<Target, Record<string, number>> = { bare: {}, flare: {} }

function connect(target: Target, url: string, options: Parameters<typeof io>[1] = {}): Socket {
  // a storm on a shared machine can take longer than the default 20 s to answer everyone, and
  // a connection the kernel's accept queue dropped is tried again, as a browser would
  return io(url, {
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 2_000,
    timeout: 600_000,
    forceNew: true,
    ...options,
  }).on('disconnect', (reason) => {
    dropped[target][reason] = (dropped[target][reason] ?? 0) + 1
  })
}

function track(target: Target, clients: Socket[]): Group {
  const group: Group = {
    clients,
    started: new Float64Array(clients.length),
    ended: new Uint8Array(clients.length),
    reportedStarted: true,
    reportedEnded: true,
    armed: false,
  }
  const checkStarted = () => {
    if (group.reportedStarted || !group.started.every((t) => t > 0)) return
    group.reportedStarted = true
    send({ type: 'started', target, times: Array.from(group.started) })
  }
  const checkEnded = () => {
    if (group.reportedEnded || !group.ended.every((e) => e === 1)) return
    group.reportedEnded = true
    send({ type: 'ended', target })
  }
  clients.forEach((c, i) => {
    c.on('escalation:started', () => {
      if (!group.armed || group.started[i]) return
      group.started[i] = epochNow()
      checkStarted()
    })
    c.on('escalation:ended', () => {
      if (!group.armed) return
      group.ended[i] = 1
      checkEnded()
    })
  })
  groups.set(target, group)
  return group
}

function storm(command: Extract<Command, { type: 'storm' }>): void {
  const { target } = command
  let retried = 0
  let lastProgress = epochNow()
  if (target === 'bare') {
    let welcomed = 0
    let lastAt = 0
    const clients = Array.from({ length: command.count }, () => {
      const c = connect(target, command.url)
      c.once('welcome', () => {
        welcomed += 1
        lastAt = epochNow()
        if (welcomed === command.count) {
          send({
            type: 'settled',
            target,
            lastAt,
            snapshotsAt: lastAt,
            messages: welcomed,
            dropped: { ...dropped[target] },
          })
        }
      })
      c.on('connect_error', () => {
        retried += 1
      })
      return c
    })
    track(target, clients)
    const timer = setInterval(() => {
      if (welcomed === command.count) return clearInterval(timer)
      send({
        type: 'progress',
        target,
        connected: clients.filter((c) => c.connected).length,
        snapshots: welcomed,
        settled: welcomed,
        retried,
        dropped: dropped[target],
      })
    }, 10_000)
    timer.unref()
    return
  }

  const views = command.cookies.map(() => new PresenceView(command.members))
  const t0 = epochNow()
  const connectedAt = new Float64Array(command.cookies.length)
  let done = false
  let messages = 0
  const check = () => {
    if (done || !views.every((v) => v.settledAt > 0)) return
    done = true
    // BENCH_TIMELINE=1: when this process's clients connected, got their snapshot and settled
    if (process.env.BENCH_TIMELINE) {
      const at = (times: ArrayLike<number>) => Array.from(times, (t) => t - t0)
      process.stderr.write(
        `  timeline of clients in process ${process.pid} (ms after the storm began; 10/25/50/75/90/100th percentiles): ` +
          `connected ${deciles(at(connectedAt))} | snapshot ${deciles(at(views.map((v) => v.snapshotAt)))} | settled ${deciles(at(views.map((v) => v.settledAt)))}\n`,
      )
    }
    send({
      type: 'settled',
      target,
      lastAt: Math.max(...views.map((v) => v.settledAt)),
      snapshotsAt: Math.max(...views.map((v) => v.snapshotAt)),
      messages,
      dropped: { ...dropped[target] },
    })
  }
  const clients = command.cookies.map((cookie, i) => {
    const c = connect(target, command.url, {
      auth: { spaceId: command.spaceId, presenceFormat: command.presenceFormat },
      extraHeaders: { cookie },
    })
    const view = views[i] ?? new PresenceView(command.members)
    c.once('connect', () => {
      connectedAt[i] = epochNow()
    })
    c.on('space:snapshot', (s: SpaceSnapshot) => {
      messages += 1
      view.load(s)
      check()
    })
    c.on('presence:update', (u: PresenceUpdate) => {
      messages += 1
      view.apply(u)
      if (view.settledAt) check()
    })
    c.on('presence:rows', (rows: PresenceRow[]) => {
      messages += 1
      for (const u of presenceUpdatesOfRows(rows)) view.apply(u)
      if (view.settledAt) check()
    })
    c.on('connect_error', (e) => {
      // refused by the server itself (not a network retry): the run is broken
      if ('data' in e) send({ type: 'refused', target, data: JSON.stringify(e.data) })
      else retried += 1
    })
    return c
  })
  track(target, clients)
  const timer = setInterval(() => {
    if (done) return clearInterval(timer)
    const now = epochNow()
    if (now - lastProgress < 9_000) return
    lastProgress = now
    send({
      type: 'progress',
      target,
      connected: clients.filter((c) => c.connected).length,
      snapshots: views.filter((v) => v.snapshotAt).length,
      settled: views.filter((v) => v.settledAt).length,
      retried,
      dropped: dropped[target],
    })
  }, 10_000)
  timer.unref()
}

/** The 10th, 25th, 50th, 75th, 90th and 100th percentiles of some times, rounded. */
function deciles(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b)
  return [0.1, 0.25, 0.5, 0.75, 0.9, 1]
    .map((p) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0))
    .join(' ')
}

function emitAck(c: Socket, event: string, payload: unknown): Promise<unknown> {
  return new Promise((resolve) => c.emit(event, payload, resolve))
}

async function handle(command: Command): Promise<void> {
  switch (command.type) {
    case 'storm':
      storm(command)
      return
    case 'arm': {
      const group = groups.get(command.target)
      if (!group) throw new Error(`no ${command.target} clients here`)
      group.started.fill(0)
      group.ended.fill(0)
      group.reportedStarted = group.clients.length === 0
      group.reportedEnded = group.clients.length === 0
      group.armed = true
      send({ type: 'armed', target: command.target })
      if (group.clients.length === 0) {
        send({ type: 'started', target: command.target, times: [] })
      }
      return
    }
    case 'raise': {
      const client = groups.get(command.target)?.clients[command.index]
      if (!client) throw new Error(`no ${command.target} client ${command.index} here`)
      const t0 = epochNow()
      if (command.target === 'flare') {
        const answer = await emitAck(client, 'escalation:raise', {
          message: command.message,
          notify: false,
          recipients: { userIds: [], groupIds: [] },
        })
        const ok = answer as { ok: boolean; escalation?: EscalationDto }
        if (!ok.ok || !ok.escalation) throw new Error(`raise refused: ${JSON.stringify(answer)}`)
        send({ type: 'raised', target: command.target, t0, escalation: ok.escalation })
      } else {
        await emitAck(client, 'raise', command.payload)
        send({ type: 'raised', target: command.target, t0, escalation: command.payload })
      }
      return
    }
    case 'end': {
      const client = groups.get(command.target)?.clients[command.index]
      if (!client) throw new Error(`no ${command.target} client ${command.index} here`)
      if (command.target === 'flare') await emitAck(client, 'escalation:end', {})
      else await emitAck(client, 'end', { id: 'x' })
      return
    }
    case 'close':
      for (const group of groups.values()) for (const c of group.clients) c.disconnect()
      process.exit(0)
  }
}

process.on('message', (message: unknown) => {
  if (!isCommand(message)) return
  handle(message).catch((error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  })
})
// the parent went away: nothing left to measure for
process.on('disconnect', () => process.exit(0))
send({ type: 'ready' })
