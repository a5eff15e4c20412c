import type { MemberPresence, SpaceSnapshot } from '@flare/protocol'
import * as parser from 'socket.io-parser'
import { describe, expect, it } from 'vitest'
import { flareParser, snapshotJson } from './snapshot-encoder.js'

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
})
