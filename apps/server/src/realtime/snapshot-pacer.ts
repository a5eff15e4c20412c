import type { SnapshotPacing } from './space-hub.js'

/** What the pacer needs of the Engine.IO connection beneath a Socket.IO socket (`socket.conn`). */
export interface PacedConnection {
  readyState: string
  /**
   * Engine.IO's send; `written` runs once the transport has written the packet out. With
   * `wsPreEncodedFrame`, a WebSocket transport writes those bytes instead of encoding `data`.
   */
  write(
    data: string,
    options: { compress?: boolean; wsPreEncodedFrame?: Buffer[] },
    written: () => void,
  ): unknown
  once(event: 'close', listener: () => void): unknown
  off(event: 'close', listener: () => void): unknown
}

/** What a snapshot takes besides its members (the escalations, hands and the like), roughly. */
const SNAPSHOT_BASE_BYTES = 1_024
/** Bytes a member is first assumed to take: the `objects` format's, the larger of the two. */
const FIRST_BYTES_PER_MEMBER = 170

/**
 * Keeps snapshots from piling up in memory faster than clients take them. A join storm of
 * 10,000 sends 10,000 snapshots of 10,000 members (about 1.6 MB each): written at once, they
 * would sit in the process's memory (gigabytes) while the clients parse, and the event loop
 * would stall long enough for pings to time out. Snapshots are counted from the moment they
 * are written to a connection until its transport has handed them to the kernel; while more
 * than `budgetBytes` are in flight, the hubs keep further snapshots due (those sockets get
 * nothing until theirs goes) and are woken when some are taken.
 *
 * @example
 * const pacer = new SnapshotPacer(32 * 1024 * 1024)
 * const room = pacer.room(2_000) // how many snapshots of a space of 2,000 may go now
 * pacer.write(socket.conn, { frame: snapshotFrame(snapshot, 'rows') }, snapshot.members.length)
 */
export class SnapshotPacer implements SnapshotPacing {
  private inFlight = 0
  private readonly waiting = new Set<() => void>()
  /**
   * Bytes a member took in the snapshots written lately (a moving average): about 170 as
   * objects, 70 as columns. Guessing the larger for everyone let a storm of `rows` clients have
   * only 2/5 of the budget, and its last snapshots waited for rounds they did not need.
   */
  private bytesPerMember = FIRST_BYTES_PER_MEMBER

  constructor(private readonly budgetBytes: number) {}

  /** How many snapshots of a space of `members` may be written now (one at least, when none is in flight). */
  room(members: number): number {
    const bytesEach = SNAPSHOT_BASE_BYTES + members * this.bytesPerMember
    if (this.inFlight === 0) return Math.max(1, Math.floor(this.budgetBytes / bytesEach))
    return Math.max(0, Math.floor((this.budgetBytes - this.inFlight) / bytesEach))
  }

  /** Calls `wake` once, when some snapshot in flight has been taken (or now, if none is). */
  whenRoom(wake: () => void): void {
    if (this.inFlight === 0) {
      queueMicrotask(wake)
      return
    }
    this.waiting.add(wake)
  }

  /**
   * Writes a snapshot to a connection and counts it until it is written out: on a WebSocket as
   * its `frame` (the packet's WebSocket frame, already made: no string of it is built), else as
   * the encoded packet `text` (long polling). `members`: how many members it lists, to learn
   * what a member takes.
   */
  write(
    conn: PacedConnection,
    packet: { text: string } | { frame: Buffer[] },
    members: number,
  ): void {
    // a closing connection would neither write nor call back
    if (conn.readyState !== 'open') return
    const bytes =
      'text' in packet ? packet.text.length : packet.frame.reduce((n, b) => n + b.length, 0)
    if (members >= 100) {
      // small spaces say little about a member's size (and need no pacing)
      const each = Math.max(1, (bytes - SNAPSHOT_BASE_BYTES) / members)
      this.bytesPerMember += (each - this.bytesPerMember) / 8
    }
    this.inFlight += bytes
    let done = false
    const release = () => {
      if (done) return
      done = true
      conn.off('close', release)
      this.inFlight -= bytes
      const wake = [...this.waiting]
      this.waiting.clear()
      for (const w of wake) w()
    }
    // a connection that closes first never calls back: it no longer holds anything either
    conn.once('close', release)
    if ('text' in packet) {
      conn.write(packet.text, { compress: true }, release)
      return
    }
    // Engine.IO's WebSocket writes the frame instead of the data (the server has no
    // per-message deflate, which would encode the data instead)
    conn.write('', { compress: true, wsPreEncodedFrame: packet.frame }, release)
  }
}
