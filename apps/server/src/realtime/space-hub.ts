import { EventEmitter } from 'node:events'
import type {
  MemberPresence,
  MemberRole,
  PresenceStatus,
  PresenceUpdate,
  RoomDto,
} from '@flare/protocol'
import { spotBeside } from './approach-spot.js'

/** How many spots the spawn spiral has before it gives up and uses the centre. */
const SPIRAL_SPOTS = 20_000

/** Finds the meeting room a point lies in; rooms do not overlap, the first match wins. */
export function roomAt(rooms: readonly RoomDto[], x: number, y: number): string | null {
  const room = rooms.find((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height)
  return room ? room.id : null
}

/** A member as every process shares it: who, where, which status (connected is derived). */
export type MemberState = Omit<MemberPresence, 'connected'>

export type LeaveReason = 'left' | 'disconnected'

/**
 * The other processes, as one space's hub sees them: what it tells them and how it asks
 * whether a member is gone everywhere. Absent when the server runs alone.
 */
export interface SpaceCluster {
  /** This process now holds `count` connections of the member (0: none left here). */
  connections(member: MemberState, count: number): void
  /** The member moved or changed status here. */
  changed(member: MemberState): void
  /** The member left the space on purpose: gone everywhere, now. */
  left(userId: string): void
  /**
   * The grace ran out here: remove the member unless a connection remains anywhere.
   * `removed`: this process removed them (and tells the others); `gone`: another process
   * already had; `present`: a connection remains; `unknown`: the cluster cannot be asked now.
   */
  expire(userId: string): Promise<'removed' | 'gone' | 'present' | 'unknown'>
}

/** One diff of a flush, and whose it is. */
export interface PresenceChange {
  update: PresenceUpdate
  userId: string
}

/** Who gets what of one flush, besides the space's other connections (which get every diff). */
export interface FlushDelivery {
  /**
   * Sockets that asked for a snapshot since the last flush: theirs is built now, and they get
   * none of the diffs until it is sent (`sendingSnapshots`), whose members are the space as of
   * the latest flush then, so the diffs that follow it match it exactly.
   */
  snapshots: readonly string[]
  /**
   * Sockets that get no diffs: their snapshot is due but must wait (too many in flight), or it
   * is still being built (the hands and alerts it carries are read asynchronously).
   */
  waiting: readonly string[]
  /** Sockets whose own member's move is in this flush: their tab already shows it. */
  movers: ReadonlyMap<string, string>
}

/** The diffs of a flush one mover's socket gets: all but its own member's move. */
export function changesFor(changes: readonly PresenceChange[], mover: string): PresenceUpdate[] {
  return changes
    .filter((c) => !(c.update.kind === 'moved' && c.userId === mover))
    .map((c) => c.update)
}

/** What happens in a space, for the socket server (batches) and other features (hands end on these). */
export interface SpaceHubEvents {
  /**
   * Presence changes since the last flush, as diffs for this process's own clients, in order,
   * and the snapshots due (see `FlushDelivery`).
   */
  flush: [changes: readonly PresenceChange[], delivery: FlushDelivery]
  roomEntered: [userId: string, roomId: string]
  statusChanged: [userId: string, status: PresenceStatus]
  /** Emitted by the one process that removed the member, so a hand ends once. */
  memberLeft: [userId: string, reason: LeaveReason]
}

export interface SpaceHubOptions {
  map: { width: number; height: number }
  rooms: readonly RoomDto[]
  /** How long a member whose last connection dropped keeps their place (SPEC §2: 30 s). */
  reconnectGraceMs: number
  /**
   * How often presence changes go out, batched: a join storm or a fast walker costs one message
   * per flush. In a space with many connections here it may wait longer (see `maxFlushWait`).
   */
  moveFlushMs: number
  /** How long to wait before asking again when the cluster cannot answer whether a member is gone. */
  retryMs?: number
  /**
   * How many snapshots may go out now (the process's pacer, see snapshot-pacer.ts), and a way
   * to hear when more may. Without it, every snapshot due goes with the flush.
   */
  snapshotPacing?: SnapshotPacing
}

/** What a hub asks before sending snapshots, so they never pile up faster than clients read. */
export interface SnapshotPacing {
  /** How many snapshots of a space of `members` may go now. */
  room(members: number): number
  /** Calls `wake` once, when more may go. */
  whenRoom(wake: () => void): void
}

/**
 * Who is in one space right now, and where: this process's replica of the whole cluster's
 * presence (or the only copy when the server runs alone). It owns the rules of presence:
 * the first connection anywhere joins, several tabs on several processes are one member, the
 * last connection anywhere dropping starts the reconnect grace, the meeting room is derived
 * from the position. Changes reach this process's clients as batched diffs, at most one batch
 * per flush.
 */
export class SpaceHub extends EventEmitter<SpaceHubEvents> {
  private readonly members = new Map<string, MemberState>()
  /** This process's open connections per member. */
  private readonly local = new Map<string, number>()
  /** Other processes' open connections per member, by process id. */
  private readonly remote = new Map<string, Map<string, number>>()
  private readonly graceTimers = new Map<string, NodeJS.Timeout>()
  /** Everyone as of the last flush, as snapshots built between flushes show them. */
  private flushedList: MemberPresence[] | null = null
  private wakeScheduled = false
  /** What this process's clients were last told about each member. */
  private readonly sent = new Map<string, MemberPresence>()
  /** Members changed since the last flush. */
  private readonly dirty = new Set<string>()
  /** The socket whose own move is the member's latest one in this flush. */
  private readonly movers = new Map<string, string>()
  /** Sockets waiting for their snapshot, sent with the next flush. */
  private readonly snapshotsDue = new Set<string>()
  /**
   * Sockets whose snapshot was taken by a flush but not sent yet: no diffs reach them, or one
   * could arrive before a snapshot that does not hold it yet (and the client, replacing its
   * view with the snapshot, would lose it).
   */
  private readonly building = new Set<string>()
  private flushTimer: NodeJS.Timeout | null = null
  /** When the pending changes began, and when the latest came (for the flush's timing). */
  private firstChangeAt = 0
  private lastChangeAt = 0
  /** This process's open connections in the space, all members together. */
  private connections = 0
  private closed = false
  /** Spiral spots of the spawn point and who was last placed on each. */
  private readonly spawned = new Map<number, string>()
  private spawnIndex = 0

  constructor(
    readonly options: SpaceHubOptions,
    private readonly cluster: SpaceCluster | null = null,
  ) {
    super()
  }

  get rooms(): readonly RoomDto[] {
    return this.options.rooms
  }

  /**
   * Asks for a snapshot for one socket (a new connection, or a client to bring back to the
   * true state): it is sent with the next flush, built once for every socket asking in the
   * same flush, so a join storm of thousands builds a few snapshots rather than thousands.
   */
  requestSnapshot(socketId: string): void {
    if (this.closed) return
    this.building.delete(socketId)
    this.snapshotsDue.add(socketId)
    this.scheduleFlush()
  }

  /** A socket closed: it waits for no snapshot any more. */
  forgetSocket(socketId: string): void {
    this.snapshotsDue.delete(socketId)
    this.building.delete(socketId)
  }

  /**
   * The snapshots of these sockets (taken by a flush) are being sent now, synchronously after
   * this call: answers everyone as of the latest flush, frozen and shared (its JSON is written
   * once), and from now on these sockets get every flush's diffs. Sockets that are gone may be
   * named too: they are forgotten.
   */
  sendingSnapshots(socketIds: readonly string[]): MemberPresence[] {
    for (const socketId of socketIds) this.building.delete(socketId)
    return this.flushedMembers()
  }

  get(userId: string): MemberPresence | null {
    const member = this.members.get(userId)
    return member ? this.visible(member) : null
  }

  /** How many connections of the member other processes hold (0 when alone). */
  remoteConnections(userId: string): number {
    let count = 0
    for (const n of this.remote.get(userId)?.values() ?? []) count += n
    return count
  }

  /** This process's members with their local connection counts (to re-announce after an outage). */
  localMembers(): Array<{ member: MemberState; count: number }> {
    const out: Array<{ member: MemberState; count: number }> = []
    for (const [userId, count] of this.local) {
      const member = this.members.get(userId)
      if (member && count > 0) out.push({ member, count })
    }
    return out
  }

  /**
   * Adds a connection: a new member joins (at `seat` when given and outside every room, else on
   * a free spot), a returning one is back in the same place.
   */
  connect(
    user: { userId: string; displayName: string; role: MemberRole },
    seat: { x: number; y: number } | null = null,
  ): void {
    const count = (this.local.get(user.userId) ?? 0) + 1
    this.local.set(user.userId, count)
    this.connections += 1
    let member = this.members.get(user.userId)
    // back within the grace, or present through another process: the name and role may be new
    if (member) this.refreshMember(user.userId, user)
    if (!member) {
      const desk = seat && this.clamp(seat.x, seat.y)
      const atDesk = desk && roomAt(this.rooms, desk.x, desk.y) === null ? desk : null
      const { x, y } = atDesk ?? this.spawnPoint()
      if (!atDesk) this.spawned.set(this.spawnIndex, user.userId)
      member = { ...user, x, y, status: 'available', roomId: roomAt(this.rooms, x, y) }
      this.members.set(user.userId, member)
    }
    this.cluster?.connections(member, count)
    this.reevaluate(user.userId)
  }

  /**
   * A connection closed. The last one anywhere dropping starts the grace; a deliberate
   * goodbye from the last one anywhere is final now.
   */
  disconnect(userId: string, deliberate: boolean): void {
    const had = this.local.get(userId) ?? 0
    if (had > 0) this.connections -= 1
    const count = Math.max(0, had - 1)
    if (count > 0) this.local.set(userId, count)
    else this.local.delete(userId)
    const member = this.members.get(userId)
    if (!member) return
    if (count > 0) {
      this.cluster?.connections(member, count)
      return
    }
    if (deliberate && !this.connectedElsewhere(userId)) {
      this.leave(userId)
      return
    }
    this.cluster?.connections(member, 0)
    this.reevaluate(userId)
  }

  /** Leaves now, whatever connections remain (the member asked to). */
  leave(userId: string): void {
    if (!this.members.has(userId)) return
    this.cluster?.left(userId)
    this.remove(userId, 'left', true)
  }

  /**
   * Moves a member. Positions are stored at once (so the room and the next snapshot are right)
   * but sent to others at most once per flush. Returns null when the member is not present.
   */
  move(userId: string, x: number, y: number, moverSocketId: string | null): MemberPresence | null {
    const member = this.members.get(userId)
    if (!member) return null
    const before = member.roomId
    member.x = x
    member.y = y
    member.roomId = roomAt(this.rooms, x, y)
    if (moverSocketId) this.movers.set(userId, moverSocketId)
    else this.movers.delete(userId)
    this.cluster?.changed(member)
    this.markDirty(userId)
    if (member.roomId && member.roomId !== before) this.emit('roomEntered', userId, member.roomId)
    return this.visible(member)
  }

  /**
   * A member's role or name changed (an admin's PATCH, a reconnect after one): everyone sees the
   * new one now, as a `joined` of the whole member, which clients apply as a replacement.
   * False when the member is not in the space.
   */
  refreshMember(userId: string, user: { displayName: string; role: MemberRole }): boolean {
    const member = this.members.get(userId)
    if (!member) return false
    if (member.role === user.role && member.displayName === user.displayName) return true
    member.role = user.role
    member.displayName = user.displayName
    this.cluster?.changed(member)
    this.markDirty(userId)
    return true
  }

  setStatus(userId: string, status: PresenceStatus): boolean {
    const member = this.members.get(userId)
    if (!member) return false
    if (member.status === status) return true
    member.status = status
    this.cluster?.changed(member)
    this.markDirty(userId)
    this.emit('statusChanged', userId, status)
    return true
  }

  // --- what the other processes tell this one ---

  /** Another process's view of a member: joined there, moved or changed status. */
  applyMember(state: MemberState): void {
    const member = this.members.get(state.userId)
    if (member) {
      if (member.x !== state.x || member.y !== state.y) this.movers.delete(state.userId)
      Object.assign(member, { ...state, roomId: roomAt(this.rooms, state.x, state.y) })
    } else {
      this.members.set(state.userId, { ...state, roomId: roomAt(this.rooms, state.x, state.y) })
    }
    this.reevaluate(state.userId)
  }

  /** How many connections of a member another process holds now. */
  applyConnections(processId: string, userId: string, count: number): void {
    const byProcess = this.remote.get(userId) ?? new Map<string, number>()
    if (count > 0) byProcess.set(processId, count)
    else byProcess.delete(processId)
    if (byProcess.size > 0) this.remote.set(userId, byProcess)
    else this.remote.delete(userId)
    this.reevaluate(userId)
  }

  /**
   * Another process removed the member (they left, or their grace ran out there). A member
   * with a connection here stays, and is announced again.
   */
  applyLeft(userId: string): void {
    const member = this.members.get(userId)
    if (!member) return
    const here = this.local.get(userId) ?? 0
    if (here > 0) {
      // connected here, so present: the process that removed them could not see it (its news
      // of this process was late or lost); say so again rather than drop a connected member
      this.cluster?.connections(member, here)
      return
    }
    this.remove(userId, 'left', false)
  }

  /**
   * Only these processes are alive: connections held by any other are gone (it died and its
   * lease expired), so their members start the grace here. Answers whether any were.
   */
  keepProcesses(alive: ReadonlySet<string>): boolean {
    let lost = false
    for (const [userId, byProcess] of [...this.remote]) {
      let changed = false
      for (const processId of [...byProcess.keys()]) {
        if (!alive.has(processId)) {
          byProcess.delete(processId)
          changed = true
        }
      }
      if (byProcess.size === 0) this.remote.delete(userId)
      if (changed) this.reevaluate(userId)
      lost ||= changed
    }
    return lost
  }

  /**
   * Replaces the replica with the cluster's state as read back from it (at start and after an
   * outage). This process's own connections stay as they are: it knows them best.
   */
  replace(members: readonly MemberState[], remote: ReadonlyMap<string, Map<string, number>>): void {
    const next = new Map(members.map((m) => [m.userId, m]))
    for (const userId of [...this.members.keys()]) {
      if (!next.has(userId) && !this.local.has(userId)) this.remove(userId, 'left', false)
    }
    this.remote.clear()
    for (const [userId, byProcess] of remote)
      if (byProcess.size > 0) this.remote.set(userId, byProcess)
    for (const state of members) {
      this.members.set(state.userId, { ...state, roomId: roomAt(this.rooms, state.x, state.y) })
    }
    for (const userId of new Set([...this.members.keys(), ...this.graceTimers.keys()]))
      this.reevaluate(userId)
  }

  contains(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x <= this.options.map.width && y <= this.options.map.height
  }

  /** Where an approacher stands: beside the point, clear of everyone's avatar and name. */
  freeSpotNear(x: number, y: number, exceptUserId: string): { x: number; y: number } {
    const others = [...this.members.values()].filter((m) => m.userId !== exceptUserId)
    return spotBeside(
      { x, y },
      others,
      (p) => this.clamp(p.x, p.y),
      (p) => roomAt(this.rooms, p.x, p.y) === null,
    )
  }

  /** Stops every timer: the process is shutting down. */
  close(): void {
    this.closed = true
    if (this.flushTimer) clearTimeout(this.flushTimer)
    for (const timer of this.graceTimers.values()) clearTimeout(timer)
    this.graceTimers.clear()
    this.removeAllListeners()
  }

  /**
   * The longest a change waits to go out. Every flush is one message to each connection here:
   * 2,000 connections flushed every 100 ms are 20,000 frames a second to write (and for
   * browsers to parse during a join storm). Above 200 connections the wait stretches by 1 ms per
   * 2 of them, to at most 1 s, so a process writes at most about 2,000 presence frames a second
   * while a crowded space is busy (a quiet one still hears a lone change after one flush).
   */
  private maxFlushWait(): number {
    return Math.max(this.options.moveFlushMs, Math.min(1_000, Math.ceil(this.connections / 2)))
  }

  /**
   * Changes go out once the space has been quiet for one `moveFlushMs`, or when the oldest has
   * waited `maxFlushWait`: a lone move goes out at once, a join storm in a few large batches,
   * and its last arrivals as soon as it calms.
   */
  private scheduleFlush(): void {
    if (this.closed) return
    const now = Date.now()
    this.lastChangeAt = now
    if (this.flushTimer) return
    this.firstChangeAt = now
    this.flushTimer = setTimeout(() => this.flushWhenQuiet(), this.options.moveFlushMs)
  }

  private flushWhenQuiet(): void {
    const now = Date.now()
    const quietFor = now - this.lastChangeAt
    const waited = now - this.firstChangeAt
    const base = this.options.moveFlushMs
    const max = this.maxFlushWait()
    if (quietFor < base && waited < max) {
      this.flushTimer = setTimeout(
        () => this.flushWhenQuiet(),
        Math.max(1, Math.min(base - quietFor, max - waited)),
      )
      return
    }
    this.flush()
  }

  private connectedElsewhere(userId: string): boolean {
    return (this.remote.get(userId)?.size ?? 0) > 0
  }

  private isConnected(userId: string): boolean {
    return (this.local.get(userId) ?? 0) > 0 || this.connectedElsewhere(userId)
  }

  /** Starts or stops the member's grace to match their connections, and marks them to be sent. */
  private reevaluate(userId: string): void {
    const timer = this.graceTimers.get(userId)
    if (!this.members.has(userId) || this.isConnected(userId)) {
      if (timer) clearTimeout(timer)
      this.graceTimers.delete(userId)
    } else if (!timer) {
      this.armGrace(userId, this.options.reconnectGraceMs)
    }
    this.markDirty(userId)
  }

  private armGrace(userId: string, ms: number): void {
    if (this.closed) return
    const timer = setTimeout(() => void this.graceOver(userId), ms)
    timer.unref()
    this.graceTimers.set(userId, timer)
  }

  private async graceOver(userId: string): Promise<void> {
    if (!this.cluster) {
      this.remove(userId, 'disconnected', true)
      return
    }
    const outcome = await this.cluster.expire(userId)
    // the member may have come back while the cluster was asked
    if (this.closed || !this.members.has(userId) || this.isConnected(userId)) {
      if (outcome !== 'removed') return
    }
    switch (outcome) {
      case 'removed':
        this.remove(userId, 'disconnected', true)
        return
      case 'gone':
        this.remove(userId, 'disconnected', false)
        return
      case 'present':
        // connected on a process whose news has not arrived yet: look again after a grace
        this.armGrace(userId, this.options.reconnectGraceMs)
        return
      case 'unknown':
        // nobody can say whether they are connected elsewhere: a hand must not end on a guess
        this.armGrace(userId, this.options.retryMs ?? 1_000)
        return
    }
  }

  private remove(userId: string, reason: LeaveReason, owner: boolean): void {
    const timer = this.graceTimers.get(userId)
    if (timer) clearTimeout(timer)
    this.graceTimers.delete(userId)
    this.members.delete(userId)
    this.remote.delete(userId)
    this.movers.delete(userId)
    this.markDirty(userId)
    if (owner) this.emit('memberLeft', userId, reason)
  }

  private markDirty(userId: string): void {
    this.dirty.add(userId)
    this.scheduleFlush()
  }

  /** Sends what changed since the last flush as diffs against what clients were last told. */
  private flush(): void {
    this.flushTimer = null
    const changes: PresenceChange[] = []
    const add = (update: PresenceUpdate, userId: string) => changes.push({ update, userId })
    for (const userId of this.dirty) {
      const before = this.sent.get(userId)
      const member = this.members.get(userId)
      const now = member ? this.visible(member) : null
      if (!now) {
        if (before) add({ kind: 'left', userId }, userId)
        this.sent.delete(userId)
        continue
      }
      // frozen: shared by the diffs and every snapshot until the member changes again
      Object.freeze(now)
      this.sent.set(userId, now)
      if (!before || before.role !== now.role || before.displayName !== now.displayName) {
        // a new role or name goes out as the whole member again, which replaces the old one
        add({ kind: 'joined', member: now }, userId)
        continue
      }
      if (before.x !== now.x || before.y !== now.y || before.roomId !== now.roomId) {
        add({ kind: 'moved', userId, x: now.x, y: now.y, roomId: now.roomId }, userId)
      }
      if (before.status !== now.status) add({ kind: 'status', userId, status: now.status }, userId)
      if (before.connected !== now.connected) {
        add(
          now.connected
            ? { kind: 'back', userId, connected: true }
            : { kind: 'away', userId, connected: false },
          userId,
        )
      }
    }
    const movers = new Map<string, string>()
    for (const [userId, socketId] of this.movers) {
      if (this.snapshotsDue.has(socketId) || this.building.has(socketId)) continue
      if (changes.some((c) => c.userId === userId && c.update.kind === 'moved'))
        movers.set(socketId, userId)
    }
    this.dirty.clear()
    this.movers.clear()
    if (changes.length > 0) this.flushedList = null
    const { snapshots, waiting } = this.takeSnapshots()
    if (changes.length === 0 && snapshots.length === 0) return
    this.emit('flush', changes, { snapshots, waiting, movers })
  }

  /**
   * Takes the snapshots that may go now (all, or as many as the pacer has room for); the rest
   * stay due, and go when the pacer wakes the hub.
   */
  private takeSnapshots(): { snapshots: string[]; waiting: string[] } {
    const snapshots: string[] = []
    if (this.snapshotsDue.size === 0) return { snapshots, waiting: [...this.building] }
    const pacing = this.options.snapshotPacing
    const room = pacing ? pacing.room(this.members.size) : this.snapshotsDue.size
    for (const socketId of this.snapshotsDue) {
      if (snapshots.length >= room) break
      snapshots.push(socketId)
    }
    for (const socketId of snapshots) {
      this.snapshotsDue.delete(socketId)
      this.building.add(socketId)
    }
    if (this.snapshotsDue.size > 0) pacing?.whenRoom(this.wakeSnapshots)
    return { snapshots, waiting: this.withoutDiffs(snapshots) }
  }

  /** Sockets that get no diffs now (see `FlushDelivery.waiting`), but for those in `except`. */
  private withoutDiffs(except: readonly string[]): string[] {
    const skip = new Set(except)
    const out: string[] = []
    for (const socketId of this.snapshotsDue) out.push(socketId)
    for (const socketId of this.building) if (!skip.has(socketId)) out.push(socketId)
    return out
  }

  /**
   * The pacer has room again: the snapshots still due go now, without waiting for the next
   * flush and without flushing diffs early (which would be one more message to everyone).
   * They show the space as of the last flush before they are sent, so the diffs of the next
   * flush follow them exactly, nothing missing and nothing twice.
   */
  private readonly wakeSnapshots = (): void => {
    if (this.wakeScheduled) return
    this.wakeScheduled = true
    setImmediate(() => {
      this.wakeScheduled = false
      if (this.closed) return
      const { snapshots, waiting } = this.takeSnapshots()
      if (snapshots.length === 0) return
      this.emit('flush', [], { snapshots, waiting, movers: new Map() })
    })
  }

  /** Everyone as of the last flush (what clients were last told), frozen and shared. */
  private flushedMembers(): MemberPresence[] {
    if (!this.flushedList) {
      const list = [...this.sent.values()]
      Object.freeze(list)
      this.flushedList = list
    }
    return this.flushedList
  }

  private visible(member: MemberState): MemberPresence {
    return { ...member, connected: this.isConnected(member.userId) }
  }

  private clamp(x: number, y: number): { x: number; y: number } {
    const { width, height } = this.options.map
    return {
      x: Math.round(Math.min(width - 24, Math.max(24, x))),
      y: Math.round(Math.min(height - 24, Math.max(24, y))),
    }
  }

  /**
   * A free spot in the open floor, on a spiral out from the centre, outside every room. Each
   * spiral spot remembers who was placed on it, so a join storm of thousands checks one
   * neighbour per spot rather than everyone present.
   */
  private spawnPoint(): { x: number; y: number } {
    const cx = this.options.map.width / 2
    const cy = this.options.map.height / 2
    const few = this.members.size <= 64 ? [...this.members.values()] : null
    // a small space looks from the centre out; a crowded one goes on from the last spot taken,
    // so a join storm does not walk the spiral from the start for every arrival
    const from = few ? 0 : this.spawnIndex
    for (let n = 0; n < SPIRAL_SPOTS; n += 1) {
      const i = (from + n) % SPIRAL_SPOTS
      const angle = i * 2.4
      const radius = 64 * Math.sqrt(i)
      const spot = this.clamp(cx + radius * Math.cos(angle), cy + radius * Math.sin(angle))
      if (roomAt(this.rooms, spot.x, spot.y) !== null) continue
      const near = (m: MemberState | undefined) =>
        m !== undefined && Math.hypot(m.x - spot.x, m.y - spot.y) < 64
      const holder = this.spawned.get(i)
      if (few ? few.some(near) : holder !== undefined && near(this.members.get(holder))) continue
      this.spawnIndex = i
      return spot
    }
    return this.clamp(cx, cy)
  }
}
