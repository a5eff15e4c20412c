import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { type PacedConnection, SnapshotPacer } from './snapshot-pacer.js'

/** A connection that writes out only when the test says its client has read. */
class SlowConnection extends EventEmitter implements PacedConnection {
  readyState = 'open'
  readonly pending: Array<() => void> = []
  readonly written: Array<{ data: string; frame: unknown }> = []
  write(data: string, options: { wsPreEncodedFrame?: Buffer[] }, written: () => void): void {
    this.written.push({ data, frame: options.wsPreEncodedFrame })
    this.pending.push(written)
  }
  read(): void {
    for (const written of this.pending.splice(0)) written()
  }
  close(): void {
    this.readyState = 'closed'
    this.emit('close')
  }
}

const MB = 1024 * 1024

describe('the snapshot pacer', () => {
  it('[2.5.1] lets snapshots go only while those in flight fit the budget, and wakes waiters as clients read', () => {
    const pacer = new SnapshotPacer(4 * MB)
    // a space of 10,000: about 1.7 MB a snapshot, two fit
    expect(pacer.room(10_000)).toBe(2)
    const a = new SlowConnection()
    const b = new SlowConnection()
    pacer.write(a, { text: 'x'.repeat(2 * MB) }, 10)
    // a WebSocket's frame counts its buffers' bytes
    pacer.write(b, { frame: [Buffer.alloc(10), Buffer.alloc(MB - 10)] }, 10)
    expect(pacer.room(10_000)).toBe(0)
    let woken = 0
    pacer.whenRoom(() => {
      woken += 1
    })
    b.read()
    expect(woken).toBe(1)
    expect(pacer.room(10_000)).toBe(1)
    // a connection that closes unread holds nothing any more
    a.close()
    expect(pacer.room(10_000)).toBe(2)
    // and a closed connection is not written to, so it cannot hold the budget
    pacer.write(a, { text: 'x'.repeat(3 * MB) }, 10)
    expect(pacer.room(10_000)).toBe(2)
  })

  it('[2.5.1] hands a WebSocket its frame and long polling its text', () => {
    const pacer = new SnapshotPacer(MB)
    const ws = new SlowConnection()
    const polling = new SlowConnection()
    const frame = [Buffer.from('head'), Buffer.from('members')]
    pacer.write(ws, { frame }, 0)
    pacer.write(polling, { text: '2["space:snapshot",{}]' }, 0)
    expect(ws.written).toEqual([{ data: '', frame }])
    expect(polling.written).toEqual([{ data: '2["space:snapshot",{}]', frame: undefined }])
  })

  it('[2.5.1] always lets one go when nothing is in flight, however large', () => {
    const pacer = new SnapshotPacer(MB)
    expect(pacer.room(100_000)).toBe(1)
  })

  it('[2.5.1] learns what a member takes from the snapshots it writes, so columns get the room they need', () => {
    const pacer = new SnapshotPacer(32 * MB)
    // first guessed as objects (about 170 bytes a member): 98 snapshots of 2,000
    expect(pacer.room(2_000)).toBe(98)
    // a storm of `rows` clients: 2,000 members in 140 kB (70 bytes each)
    const clients = Array.from({ length: 40 }, () => new SlowConnection())
    for (const c of clients) {
      pacer.write(c, { frame: [Buffer.alloc(1_024 + 2_000 * 70)] }, 2_000)
      c.read()
    }
    expect(pacer.room(2_000)).toBeGreaterThanOrEqual(225)
    expect(pacer.room(2_000)).toBeLessThanOrEqual(Math.floor((32 * MB) / (1_024 + 2_000 * 70)))
    // small spaces teach nothing (their head outweighs their members)
    const small = new SlowConnection()
    for (let i = 0; i < 40; i++) pacer.write(small, { text: 'x'.repeat(5_000) }, 3)
    small.read()
    expect(pacer.room(2_000)).toBeGreaterThanOrEqual(225)
  })
})
