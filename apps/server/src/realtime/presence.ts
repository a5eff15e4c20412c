import type { MemberPresence, MemberRole, PresenceStatus, RoomDto } from '@flare/protocol'

interface Present extends MemberPresence {
  /** Open connections of this user in this space: several tabs count as one member. */
  connections: number
}

/** Finds the meeting room a point lies in; rooms do not overlap, the first match wins. */
export function roomAt(rooms: readonly RoomDto[], x: number, y: number): string | null {
  const room = rooms.find((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height)
  return room ? room.id : null
}

/**
 * Who is in one space right now, in this process. The first connection of a user adds the
 * member, the last one to close removes it.
 */
export class SpacePresence {
  private readonly members = new Map<string, Present>()

  constructor(
    private readonly map: { width: number; height: number },
    private readonly rooms: readonly RoomDto[],
  ) {}

  list(): MemberPresence[] {
    return [...this.members.values()].map(({ connections: _, ...m }) => m)
  }

  /** Adds a connection; returns the member when this is the user's first, else null. */
  connect(user: { userId: string; displayName: string; role: MemberRole }): MemberPresence | null {
    const existing = this.members.get(user.userId)
    if (existing) {
      existing.connections += 1
      return null
    }
    const { x, y } = this.spawnPoint()
    const member: Present = {
      ...user,
      x,
      y,
      status: 'available' satisfies PresenceStatus,
      roomId: roomAt(this.rooms, x, y),
      connections: 1,
    }
    this.members.set(user.userId, member)
    const { connections: _, ...visible } = member
    return visible
  }

  /** Removes a connection; true when it was the user's last and the member has left. */
  disconnect(userId: string): boolean {
    const member = this.members.get(userId)
    if (!member) return false
    member.connections -= 1
    if (member.connections > 0) return false
    this.members.delete(userId)
    return true
  }

  get size(): number {
    return this.members.size
  }

  /** A free spot in the open floor, on a spiral out from the centre, outside every room. */
  private spawnPoint(): { x: number; y: number } {
    const cx = this.map.width / 2
    const cy = this.map.height / 2
    const taken = [...this.members.values()]
    for (let i = 0; i < 500; i += 1) {
      const angle = i * 2.4
      const radius = 40 * Math.sqrt(i)
      const x = Math.round(
        Math.min(this.map.width - 20, Math.max(20, cx + radius * Math.cos(angle))),
      )
      const y = Math.round(
        Math.min(this.map.height - 20, Math.max(20, cy + radius * Math.sin(angle))),
      )
      const free = taken.every((m) => Math.hypot(m.x - x, m.y - y) >= 40)
      if (free && roomAt(this.rooms, x, y) === null) return { x, y }
    }
    return { x: Math.round(cx), y: Math.round(cy) }
  }
}
