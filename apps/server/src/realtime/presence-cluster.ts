import { randomUUID } from 'node:crypto'
import { MemberRole, PresenceStatus, parse } from '@flare/protocol'
import { type Static, Type } from '@sinclair/typebox'
import type { FastifyBaseLogger } from 'fastify'
import type { RedisLink } from './redis-link.js'
import type { MemberState, SpaceCluster, SpaceHub } from './space-hub.js'

/**
 * Cluster-wide presence through Redis (see docs/decisions/0004-cluster-presence.md).
 *
 * Per space, under `flare:presence:<spaceId>`:
 * - `:m`, a hash userId → the member's shared state (position, status, name, role);
 * - `:c:<processId>`, a hash userId → that process's open connections of the member, whose
 *   expiry is the process's lease: renewed every `leaseMs / 3` while the process lives, gone
 *   `leaseMs` after it dies;
 * - `:procs`, the set of processes that may hold connections (pruned as their leases go).
 *
 * Every process keeps a full replica of its spaces in memory (snapshots are built from it),
 * hears the others' changes on one pub/sub channel, and sends its own batched per flush.
 * Removing a member is one atomic script: whichever process's grace runs out first removes
 * them, only if no live process holds a connection, and only that process tells the others
 * and its own features (so a hand ends once).
 */

const CHANNEL = 'flare:presence'
const MEMBER_TTL_MS = 24 * 3_600_000

const CONNECT = `
if tonumber(ARGV[2]) > 0 then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  redis.call('SADD', KEYS[3], ARGV[5])
  if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[3]) == 1 then return ARGV[3] end
else
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return redis.call('HGET', KEYS[1], ARGV[1])`

const EXPIRE = `
for _, p in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local c = ARGV[2] .. ':c:' .. p
  if redis.call('EXISTS', c) == 0 then redis.call('SREM', KEYS[2], p)
  elseif redis.call('HEXISTS', c, ARGV[1]) == 1 then return 'present' end
end
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then return 'removed' end
return 'gone'`

const ALIVE = `
local alive = {}
for _, p in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. ':c:' .. p) == 0 then redis.call('SREM', KEYS[1], p)
  else table.insert(alive, p) end
end
return alive`

const READ = `
local out = { redis.call('HGETALL', KEYS[1]) }
for _, p in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local c = ARGV[1] .. ':c:' .. p
  if redis.call('EXISTS', c) == 0 then redis.call('SREM', KEYS[2], p)
  else
    table.insert(out, p)
    table.insert(out, redis.call('HGETALL', c))
  end
end
return out`

const MemberStateSchema = Type.Object({
  userId: Type.String(),
  displayName: Type.String(),
  role: MemberRole,
  x: Type.Number(),
  y: Type.Number(),
  status: PresenceStatus,
  roomId: Type.Union([Type.String(), Type.Null()]),
})

const Op = Type.Union([
  /** The sender holds `n` connections of the member now. */
  Type.Object({ t: Type.Literal('c'), m: MemberStateSchema, n: Type.Integer({ minimum: 0 }) }),
  /** The member moved or changed status on the sender. */
  Type.Object({ t: Type.Literal('m'), m: MemberStateSchema }),
  /** The member is gone everywhere. */
  Type.Object({ t: Type.Literal('l'), u: Type.String() }),
  /** The sender re-wrote its state after an outage: read the space again. */
  Type.Object({ t: Type.Literal('r') }),
])
type Op = Static<typeof Op>

const Message = Type.Object({
  from: Type.String(),
  spaceId: Type.String(),
  ops: Type.Array(Op),
})

interface Outbox {
  /** Coalesced: one op per kind and member, in the order of their latest change. */
  ops: Map<string, Op>
  timer: NodeJS.Timeout | null
}

export interface PresenceClusterOptions {
  link: RedisLink
  log: FastifyBaseLogger
  /** How long a dead process's connections still count (its lease). */
  leaseMs: number
  /** How often changes go out to the other processes. */
  flushMs: number
  /**
   * A space was re-read after an outage, or a process holding connections in it died: what
   * clients missed meanwhile reaches them in a fresh snapshot.
   */
  onResynced(spaceId: string): void
}

export class PresenceCluster {
  readonly processId = randomUUID()
  private readonly hubs = new Map<string, SpaceHub>()
  private readonly outboxes = new Map<string, Outbox>()
  /** Messages that arrive while a space is being read are applied after the read. */
  private readonly reading = new Map<string, Array<{ from: string; ops: Op[] }>>()
  private readonly resyncTimers = new Map<string, NodeJS.Timeout>()
  private readonly tick: NodeJS.Timeout
  private readonly subscribed: Promise<unknown>
  /** When Redis last became reachable (0: never). */
  private upSince = 0
  /** Spaces followed here but not read from Redis since it was last away. */
  private readonly unread = new Set<string>()
  private closed = false

  constructor(private readonly options: PresenceClusterOptions) {
    const { link } = options
    link.presenceSub.on('message', (channel: string, text: string) => {
      if (channel === CHANNEL) this.receive(text)
    })
    // ioredis re-subscribes by itself after a reconnection
    this.subscribed = link.presenceSub.subscribe(CHANNEL).catch(() => {})
    link.on('up', (afterOutage) => {
      this.upSince = Date.now()
      // after an outage everyone re-reads; at start, the spaces followed before Redis answered
      if (afterOutage) void this.resyncAll(true)
      else for (const spaceId of this.unread) void this.resync(spaceId, false)
    })
    link.on('down', () => {
      for (const spaceId of this.hubs.keys()) this.unread.add(spaceId)
    })
    this.tick = setInterval(() => void this.renew(), Math.max(50, Math.floor(options.leaseMs / 3)))
    this.tick.unref()
  }

  /**
   * Whether this process knows the whole cluster's presence right now: Redis answers and every
   * space followed here was read from it since it last went away.
   */
  get synced(): boolean {
    return this.options.link.state === 'up' && this.unread.size === 0
  }

  /** The handle a space's hub talks to the cluster through. */
  forSpace(spaceId: string): SpaceCluster {
    return {
      connections: (member, count) =>
        this.queue(spaceId, `c:${member.userId}`, { t: 'c', m: { ...member }, n: count }),
      changed: (member) => this.queue(spaceId, `m:${member.userId}`, { t: 'm', m: { ...member } }),
      left: (userId) => {
        const outbox = this.outboxes.get(spaceId)
        outbox?.ops.delete(`c:${userId}`)
        outbox?.ops.delete(`m:${userId}`)
        this.queue(spaceId, `l:${userId}`, { t: 'l', u: userId })
      },
      expire: (userId) => this.expire(spaceId, userId),
    }
  }

  /**
   * Starts following a space: reads what the cluster knows of it into the hub. While Redis is
   * away it does not wait: the hub serves this process's clients, and the space is read when
   * Redis is back (the link's `up`).
   */
  async attach(spaceId: string, hub: SpaceHub): Promise<void> {
    this.hubs.set(spaceId, hub)
    this.unread.add(spaceId)
    const { link } = this.options
    if (link.state !== 'up') return
    // the subscription first, so nothing published after the read is missed; one still
    // waiting when Redis goes away is not waited for
    let onDown = () => {}
    const down = new Promise<void>((resolve) => {
      onDown = resolve
      link.once('down', onDown)
    })
    try {
      await Promise.race([this.subscribed, down])
    } finally {
      link.off('down', onDown)
    }
    if (link.state === 'up') await this.resync(spaceId, false)
  }

  /** Sends what is queued, then lets go of Redis state this process holds. */
  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.tick)
    for (const t of this.resyncTimers.values()) clearTimeout(t)
    await Promise.all([...this.outboxes.keys()].map((spaceId) => this.flush(spaceId)))
    this.hubs.clear()
  }

  private keys(spaceId: string) {
    const prefix = `flare:presence:${spaceId}`
    return {
      prefix,
      members: `${prefix}:m`,
      mine: `${prefix}:c:${this.processId}`,
      procs: `${prefix}:procs`,
    }
  }

  private queue(spaceId: string, key: string, op: Op): void {
    let outbox = this.outboxes.get(spaceId)
    if (!outbox) {
      outbox = { ops: new Map(), timer: null }
      this.outboxes.set(spaceId, outbox)
    }
    // the latest change of a kind replaces the earlier one, and goes to the end of the line
    outbox.ops.delete(key)
    outbox.ops.set(key, op)
    if (key.startsWith('c:') || key.startsWith('m:')) outbox.ops.delete(`l:${key.slice(2)}`)
    if (!outbox.timer && !this.closed) {
      outbox.timer = setTimeout(() => void this.flush(spaceId), this.options.flushMs)
      outbox.timer.unref()
    }
  }

  /**
   * Writes the queued changes and tells the other processes, in one round trip. While Redis is
   * away they stay queued (coalesced, so bounded by the members) until it returns.
   */
  private async flush(spaceId: string): Promise<void> {
    const outbox = this.outboxes.get(spaceId)
    if (!outbox) return
    if (outbox.timer) clearTimeout(outbox.timer)
    outbox.timer = null
    if (outbox.ops.size === 0 || this.options.link.state !== 'up') return
    const ops = [...outbox.ops.values()]
    outbox.ops.clear()
    const k = this.keys(spaceId)
    const pipeline = this.options.link.commands.pipeline()
    const connects: MemberState[] = []
    for (const op of ops) {
      if (op.t === 'c') {
        connects.push(op.m)
        pipeline.eval(
          CONNECT,
          3,
          k.members,
          k.mine,
          k.procs,
          op.m.userId,
          op.n,
          JSON.stringify(op.m),
          this.options.leaseMs,
          this.processId,
        )
      } else if (op.t === 'm') {
        pipeline.hset(k.members, op.m.userId, JSON.stringify(op.m))
      } else if (op.t === 'l') {
        pipeline.hdel(k.members, op.u)
        pipeline.hdel(k.mine, op.u)
      }
    }
    pipeline.pexpire(k.members, MEMBER_TTL_MS)
    pipeline.publish(CHANNEL, JSON.stringify({ from: this.processId, spaceId, ops }))
    try {
      const results = (await pipeline.exec()) ?? []
      // a member created on two processes at once: the first one written is the one everyone keeps
      let i = 0
      for (const op of ops) {
        if (op.t !== 'c') {
          i += op.t === 'l' ? 2 : op.t === 'm' ? 1 : 0
          continue
        }
        const [error, stored] = results[i] ?? [null, null]
        i += 1
        if (error || typeof stored !== 'string') continue
        const state = parseMember(stored)
        const hub = this.hubs.get(spaceId)
        if (state && hub && (state.x !== op.m.x || state.y !== op.m.y)) hub.applyMember(state)
      }
    } catch (error) {
      // lost on the way: everything is re-sent when Redis is back
      this.options.log.debug({ err: error, spaceId }, 'presence flush failed')
      for (const op of ops) if (!outbox.ops.has(keyOf(op))) outbox.ops.set(keyOf(op), op)
    }
  }

  private async expire(
    spaceId: string,
    userId: string,
  ): Promise<'removed' | 'gone' | 'present' | 'unknown'> {
    if (this.options.link.state !== 'up') return 'unknown'
    // Redis just came back (perhaps empty): a live process re-writes its connections when it
    // reconnects and within a lease at the latest; until then its absence proves nothing
    if (Date.now() - this.upSince < this.options.leaseMs) return 'unknown'
    await this.flush(spaceId)
    const k = this.keys(spaceId)
    try {
      const outcome = await this.options.link.commands.eval(
        EXPIRE,
        2,
        k.members,
        k.procs,
        userId,
        k.prefix,
      )
      if (outcome === 'removed') {
        this.publish(spaceId, [{ t: 'l', u: userId }])
        return 'removed'
      }
      return outcome === 'present' || outcome === 'gone' ? outcome : 'unknown'
    } catch {
      return 'unknown'
    }
  }

  private publish(spaceId: string, ops: Op[]): void {
    this.options.link.commands
      .publish(CHANNEL, JSON.stringify({ from: this.processId, spaceId, ops }))
      .catch(() => {})
  }

  /** Renews this process's leases and notices processes whose leases ran out. */
  private async renew(): Promise<void> {
    if (this.closed || this.options.link.state !== 'up' || this.hubs.size === 0) return
    const spaces = [...this.hubs.keys()]
    const pipeline = this.options.link.commands.pipeline()
    for (const spaceId of spaces) {
      const k = this.keys(spaceId)
      pipeline.pexpire(k.mine, this.options.leaseMs)
      pipeline.eval(ALIVE, 1, k.procs, k.prefix)
    }
    try {
      const results = (await pipeline.exec()) ?? []
      spaces.forEach((spaceId, index) => {
        const hub = this.hubs.get(spaceId)
        if (!hub) return
        const [, renewed] = results[index * 2] ?? [null, 0]
        const [, alive] = results[index * 2 + 1] ?? [null, []]
        // our own lease lapsed (the event loop stalled): write our connections again
        if (renewed === 0 && hub.localMembers().length > 0) {
          this.scheduleResync(spaceId, true)
          return
        }
        if (!Array.isArray(alive)) return
        const names = alive.filter((p): p is string => typeof p === 'string')
        // a process died: what it stored but never got to tell (a hand raised just before)
        // reaches this process's clients in a fresh snapshot
        if (hub.keepProcesses(new Set(names))) this.options.onResynced(spaceId)
      })
    } catch (error) {
      this.options.log.debug({ err: error }, 'presence lease renewal failed')
    }
  }

  private scheduleResync(spaceId: string, announce: boolean): void {
    if (this.resyncTimers.has(spaceId) || this.closed) return
    const timer = setTimeout(() => {
      this.resyncTimers.delete(spaceId)
      void this.resync(spaceId, announce).then((done) => {
        if (done) this.options.onResynced(spaceId)
      })
    }, this.options.flushMs)
    timer.unref()
    this.resyncTimers.set(spaceId, timer)
  }

  private async resyncAll(announce: boolean): Promise<void> {
    await Promise.all(
      [...this.hubs.keys()].map(async (spaceId) => {
        if (await this.resync(spaceId, announce)) this.options.onResynced(spaceId)
      }),
    )
  }

  /**
   * Re-asserts this process's connections and members, then reads the whole space back into
   * the hub. With `announce`, tells the others to read it again too (they may have written
   * theirs before this process wrote its own).
   */
  private async resync(spaceId: string, announce: boolean): Promise<boolean> {
    const hub = this.hubs.get(spaceId)
    if (!hub || this.options.link.state !== 'up') return false
    await this.flush(spaceId)
    const k = this.keys(spaceId)
    const own = hub.localMembers()
    const pipeline = this.options.link.commands.pipeline()
    pipeline.del(k.mine)
    if (own.length > 0) {
      pipeline.hset(k.mine, ...own.flatMap(({ member, count }) => [member.userId, String(count)]))
      pipeline.pexpire(k.mine, this.options.leaseMs)
      pipeline.sadd(k.procs, this.processId)
      pipeline.hset(
        k.members,
        ...own.flatMap(({ member }) => [member.userId, JSON.stringify(member)]),
      )
      pipeline.pexpire(k.members, MEMBER_TTL_MS)
    }
    pipeline.eval(READ, 2, k.members, k.procs, k.prefix)
    this.reading.set(spaceId, [])
    try {
      const results = (await pipeline.exec()) ?? []
      const [error, raw] = results.at(-1) ?? [null, null]
      if (error) throw error
      const { members, remote } = this.parseRead(raw)
      hub.replace(members, remote)
      for (const { from, ops } of this.reading.get(spaceId) ?? []) this.apply(hub, from, ops)
      this.unread.delete(spaceId)
      if (announce) this.publish(spaceId, [{ t: 'r' }])
      return true
    } catch (error) {
      this.options.log.debug({ err: error, spaceId }, 'presence resync failed')
      return false
    } finally {
      this.reading.delete(spaceId)
    }
  }

  private parseRead(raw: unknown): {
    members: MemberState[]
    remote: Map<string, Map<string, number>>
  } {
    const members: MemberState[] = []
    const remote = new Map<string, Map<string, number>>()
    if (!Array.isArray(raw)) return { members, remote }
    const [memberPairs, ...rest] = raw
    if (Array.isArray(memberPairs)) {
      for (let i = 1; i < memberPairs.length; i += 2) {
        const text = memberPairs[i]
        const state = typeof text === 'string' ? parseMember(text) : null
        if (state) members.push(state)
      }
    }
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const processId = rest[i]
      const pairs = rest[i + 1]
      if (typeof processId !== 'string' || processId === this.processId || !Array.isArray(pairs))
        continue
      for (let j = 0; j + 1 < pairs.length; j += 2) {
        const userId = pairs[j]
        const count = Number(pairs[j + 1])
        if (typeof userId !== 'string' || !(count > 0)) continue
        const byProcess = remote.get(userId) ?? new Map<string, number>()
        byProcess.set(processId, count)
        remote.set(userId, byProcess)
      }
    }
    return { members, remote }
  }

  private receive(text: string): void {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return
    }
    const message = parse(Message, json)
    if (!message.ok) return
    const { from, spaceId, ops } = message.value
    if (from === this.processId) return
    const hub = this.hubs.get(spaceId)
    if (!hub) return
    const buffered = this.reading.get(spaceId)
    if (buffered) buffered.push({ from, ops })
    else this.apply(hub, from, ops)
  }

  private apply(hub: SpaceHub, from: string, ops: Op[]): void {
    for (const op of ops) {
      switch (op.t) {
        case 'c':
          if (op.n > 0 || hub.get(op.m.userId)) hub.applyMember(op.m)
          hub.applyConnections(from, op.m.userId, op.n)
          break
        case 'm':
          // news of someone this process saw leave stays ignored: a late move must not revive them
          if (hub.get(op.m.userId)) hub.applyMember(op.m)
          break
        case 'l':
          hub.applyLeft(op.u)
          break
        case 'r': {
          const spaceId = [...this.hubs].find(([, h]) => h === hub)?.[0]
          if (spaceId) this.scheduleResync(spaceId, false)
          break
        }
      }
    }
  }
}

function keyOf(op: Op): string {
  switch (op.t) {
    case 'c':
    case 'm':
      return `${op.t}:${op.m.userId}`
    case 'l':
      return `l:${op.u}`
    case 'r':
      return 'r'
  }
}

function parseMember(text: string): MemberState | null {
  try {
    const parsed = parse(MemberStateSchema, JSON.parse(text))
    return parsed.ok ? parsed.value : null
  } catch {
    return null
  }
}
