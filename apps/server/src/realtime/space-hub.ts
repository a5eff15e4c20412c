import { EventEmitter } from 'node:events'
import type {
  MemberPresence,
  MemberRole,
  PresenceStatus,
  PresenceUpdate,
  RoomDto,
} from '@flare/protocol'
import { spotBeside } from './approach-spot.js'

/** Finds the meeting room a point lies in; rooms do not overlap, the first match wins. */
export function roomAt(rooms: readonly RoomDto[], x: number, y: number): string | null {
  const room = rooms.find((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height)
  return room ? room.id : null
}

interface Present extends MemberPresence {
  /** Open connections of this user in this space: several tabs count as one member. */
  connections: number
  /** The reconnect grace running after the last connection dropped. */
  graceTimer: NodeJS.Timeout | null
}

export type LeaveReason = 'left' | 'disconnected'

/** What happens in a space, for features that react to it (escalations end on these). */
export interface SpaceHubEvents {
  update: [update: PresenceUpdate]
  /** Coalesced position changes, at most one per member per flush; `except` is the mover's socket. */
  moved: [update: Extract<PresenceUpdate, { kind: 'moved' }>, except: string | null]
  roomEntered: [userId: string, roomId: string]
  statusChanged: [userId: string, status: PresenceStatus]
  memberLeft: [userId: string, reason: LeaveReason]
}

export interface SpaceHubOptions {
  map: { width: number; height: number }
  rooms: readonly RoomDto[]
  /** How long a member whose connection dropped keeps their place (SPEC §2: 30 s). */
  reconnectGraceMs: number
  /** How often coalesced moves go out: one member moving fast costs the others one update per flush. */
  moveFlushMs: number
}

/**
 * Who is in one space right now in this process, and where. It owns the rules of presence:
 * first connection joins, the last one dropping starts the reconnect grace, positions are
 * coalesced, the meeting room is derived from the position.
 */
export class SpaceHub extends EventEmitter<SpaceHubEvents> {
  private readonly members = new Map<string, Present>()
  private readonly dirty = new Map<string, string | null>()
  private flushTimer: NodeJS.Timeout | null = null

  constructor(readonly options: SpaceHubOptions) {
    super()
  }

  get rooms(): readonly RoomDto[] {
    return this.options.rooms
  }

  list(): MemberPresence[] {
    return [...this.members.values()].map(visible)
  }

  get(userId: string): MemberPresence | null {
    const member = this.members.get(userId)
    return member ? visible(member) : null
  }

  /**
   * Adds a connection: a new member joins at their desk (`seat`, from the floor plan) or else
   * on a free spot; a returning one is back in the same place.
   */
  connect(
    user: { userId: string; displayName: string; role: MemberRole },
    seat: { x: number; y: number } | null = null,
  ): void {
    const existing = this.members.get(user.userId)
    if (existing) {
      existing.connections += 1
      if (existing.graceTimer) {
        clearTimeout(existing.graceTimer)
        existing.graceTimer = null
        existing.connected = true
        this.emit('update', { kind: 'back', userId: user.userId, connected: true })
      }
      return
    }
    const desk = seat && this.clamp(seat.x, seat.y)
    const { x, y } = desk && roomAt(this.rooms, desk.x, desk.y) === null ? desk : this.spawnPoint()
    const member: Present = {
      ...user,
      x,
      y,
      status: 'available',
      roomId: roomAt(this.rooms, x, y),
      connected: true,
      connections: 1,
      graceTimer: null,
    }
    this.members.set(user.userId, member)
    this.emit('update', { kind: 'joined', member: visible(member) })
  }

  /** A connection closed. The last one dropping starts the grace; a deliberate leave is final now. */
  disconnect(userId: string, deliberate: boolean): void {
    const member = this.members.get(userId)
    if (!member) return
    member.connections = Math.max(0, member.connections - 1)
    if (member.connections > 0) return
    if (deliberate) {
      this.remove(userId, 'left')
      return
    }
    member.connected = false
    this.emit('update', { kind: 'away', userId, connected: false })
    member.graceTimer = setTimeout(
      () => this.remove(userId, 'disconnected'),
      this.options.reconnectGraceMs,
    )
    member.graceTimer.unref()
  }

  /** Leaves now, whatever connections remain (the member asked to). */
  leave(userId: string): void {
    if (this.members.has(userId)) this.remove(userId, 'left')
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
    this.dirty.set(userId, moverSocketId)
    this.flushTimer ??= setTimeout(() => this.flush(), this.options.moveFlushMs)
    if (member.roomId && member.roomId !== before) this.emit('roomEntered', userId, member.roomId)
    return visible(member)
  }

  setStatus(userId: string, status: PresenceStatus): boolean {
    const member = this.members.get(userId)
    if (!member) return false
    if (member.status === status) return true
    member.status = status
    this.emit('update', { kind: 'status', userId, status })
    this.emit('statusChanged', userId, status)
    return true
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
    if (this.flushTimer) clearTimeout(this.flushTimer)
    for (const member of this.members.values())
      if (member.graceTimer) clearTimeout(member.graceTimer)
    this.removeAllListeners()
  }

  private flush(): void {
    this.flushTimer = null
    for (const [userId, except] of this.dirty) {
      const member = this.members.get(userId)
      if (member) {
        this.emit(
          'moved',
          { kind: 'moved', userId, x: member.x, y: member.y, roomId: member.roomId },
          except,
        )
      }
    }
    this.dirty.clear()
  }

  private remove(userId: string, reason: LeaveReason): void {
    const member = this.members.get(userId)
    if (member?.graceTimer) clearTimeout(member.graceTimer)
    this.members.delete(userId)
    this.dirty.delete(userId)
    this.emit('update', { kind: 'left', userId })
    this.emit('memberLeft', userId, reason)
  }

  private clamp(x: number, y: number): { x: number; y: number } {
    const { width, height } = this.options.map
    return {
      x: Math.round(Math.min(width - 24, Math.max(24, x))),
      y: Math.round(Math.min(height - 24, Math.max(24, y))),
    }
  }

  /** A free spot in the open floor, on a spiral out from the centre, outside every room. */
  private spawnPoint(): { x: number; y: number } {
    const cx = this.options.map.width / 2
    const cy = this.options.map.height / 2
    const taken = [...this.members.values()]
    for (let i = 0; i < 500; i += 1) {
      const angle = i * 2.4
      const radius = 64 * Math.sqrt(i)
      const spot = this.clamp(cx + radius * Math.cos(angle), cy + radius * Math.sin(angle))
      const free = taken.every((m) => Math.hypot(m.x - spot.x, m.y - spot.y) >= 64)
      if (free && roomAt(this.rooms, spot.x, spot.y) === null) return spot
    }
    return this.clamp(cx, cy)
  }
}

function visible(member: Present): MemberPresence {
  const { connections: _c, graceTimer: _g, ...rest } = member
  return rest
}
