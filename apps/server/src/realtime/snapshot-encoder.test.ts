import type { MemberPresence, SpaceSnapshot } from '@flare/protocol'
import * as parser from 'socket.io-parser'
import { describe, expect, it } from 'vitest'
import { flareParser, snapshotFrame, snapshotJson } from './snapshot-encoder.js'

function member(i: number): MemberPresence {
  return {
    userId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    displayName: `Agent "${i}" ✋`,
    role: 'agent',
    x: 100 + i,
    y: 200,
    status: 'available',
    roomId: i % 2 ? null : 'room-1',
    connected: true,
  }
}

function snapshot(members: MemberPresence[]): SpaceSnapshot {
  return {
    protocolVersion: 1,
    spaceId: '00000000-0000-4000-8000-00000000abcd',
    serverTime: '2026-12-02T09:00:00.000Z',
    you: members[0]?.userId ?? '',
    members,
    rooms: [{ id: 'room-1', name: 'Huddle', x: 0, y: 0, width: 100, height: 100 }],
    escalations: [],
  }
}

/** What a client's ordinary Socket.IO parser makes of encoded packets. */
function decode(encoded: ReturnType<parser.Encoder['encode']>): unknown {
  const decoder = new parser.Decoder()
  let out: unknown = null
  decoder.on('decoded', (packet: parser.Packet) => {
    out = packet
  })
  for (const chunk of encoded) decoder.add(chunk)
  return out
}

/** The payload of one unmasked, final text frame as RFC 6455 §5.2 lays it out (or throws). */
function readTextFrame(frame: Buffer): Buffer {
  expect(frame[0]).toBe(0x81)
  const short = (frame[1] ?? 0) & 0x7f
  expect((frame[1] ?? 0) & 0x80).toBe(0)
  const [length, start] =
    short === 127
      ? [Number(frame.readBigUInt64BE(2)), 10]
      : short === 126
        ? [frame.readUInt16BE(2), 4]
        : [short, 2]
  // the shortest length encoding, as the RFC requires
  if (start === 4) expect(length).toBeGreaterThanOrEqual(126)
  if (start === 10) expect(length).toBeGreaterThanOrEqual(65_536)
  expect(frame.length).toBe(start + length)
  return frame.subarray(start)
}

describe('the snapshot encoder', () => {
  it('[2.5.1] writes a snapshot the ordinary parser reads back exactly, with frozen and plain members', () => {
    const members = [Object.freeze(member(1)), member(2), Object.freeze(member(3))]
    const packet = {
      type: parser.PacketType.EVENT,
      nsp: '/',
      data: ['space:snapshot', snapshot(members)],
    }
    const encoded = new flareParser.Encoder().encode(packet)
    expect(encoded).toHaveLength(1)
    expect(decode(encoded)).toEqual(packet)
    // the same bytes as the default encoder, apart from where `members` sits in the object
    expect(JSON.parse(snapshotJson(snapshot(members)))).toEqual(snapshot(members))
    expect(decode(new parser.Encoder().encode(packet))).toEqual(decode(encoded))
  })

  it('[2.5.1] encodes a frozen member once however many snapshots carry it', () => {
    let reads = 0
    const base = member(7)
    const counted = Object.freeze(
      Object.defineProperty({ ...base }, 'displayName', {
        enumerable: true,
        get() {
          reads += 1
          return base.displayName
        },
      }),
    )
    for (let i = 0; i < 5; i += 1) snapshotJson(snapshot([counted]))
    expect(reads).toBe(1)
    // a frozen list (one flush's, shared by all its snapshots) is written once, members and all
    reads = 0
    const mutable = Object.defineProperty({ ...base }, 'displayName', {
      enumerable: true,
      get() {
        reads += 1
        return base.displayName
      },
    })
    const list: MemberPresence[] = [mutable]
    Object.freeze(list)
    for (let i = 0; i < 5; i += 1) snapshotJson({ ...snapshot([]), members: list })
    expect(reads).toBe(1)
    // a member that may still change is encoded every time
    const plain = { ...base }
    snapshotJson(snapshot([plain]))
    plain.x = 999
    expect(JSON.parse(snapshotJson(snapshot([plain]))).members[0].x).toBe(999)
  })

  it('leaves every other packet to the default encoder, acknowledgements and binary included', () => {
    const encoder = new flareParser.Encoder()
    const others = [
      { type: parser.PacketType.EVENT, nsp: '/', data: ['presence:update', { kind: 'left' }] },
      { type: parser.PacketType.ACK, nsp: '/', id: 3, data: [{ ok: true }] },
      { type: parser.PacketType.EVENT, nsp: '/', data: ['blob', Buffer.from([1, 2, 3])] },
      { type: parser.PacketType.EVENT, nsp: '/', id: 4, data: ['space:snapshot', snapshot([])] },
    ]
    for (const packet of others) {
      expect(encoder.encode(packet)).toEqual(new parser.Encoder().encode(packet))
    }
  })

  it('[2.5.1] makes the WebSocket frame of the packet, with a 16- or 64-bit length, sharing the members bytes', () => {
    // frames with a 16-bit and with a 64-bit length (the names are not ASCII)
    for (const count of [0, 3, 2_000]) {
      const list = Array.from({ length: count }, (_, i) => Object.freeze(member(i)))
      Object.freeze(list)
      const snap = { ...snapshot([]), members: list }
      const [encoded] = new flareParser.Encoder().encode({
        type: parser.PacketType.EVENT,
        nsp: '/',
        data: ['space:snapshot', snap],
      })
      const payload = Buffer.from(`4${String(encoded)}`)
      const frame = snapshotFrame(snap)
      expect(readTextFrame(Buffer.concat(frame)).equals(payload)).toBe(true)
      // another connection's snapshot of the same flush shares the members' bytes
      const other = snapshotFrame({ ...snap, you: 'someone-else' })
      expect(other[1]).toBe(frame[1])
    }
  })
})
