import {
  type MemberPresence,
  memberColumns,
  type PresenceFormat,
  type SpaceSnapshot,
} from '@flare/protocol'
import * as parser from 'socket.io-parser'

/** Each member view's JSON (`objects`), written once however many snapshots carry it. */
const memberJson = new WeakMap<MemberPresence, string>()
/** Each frozen member list's JSON: one flush's snapshots share one list, written once. */
const listJson: Record<PresenceFormat, WeakMap<readonly MemberPresence[], string>> = {
  objects: new WeakMap(),
  rows: new WeakMap(),
}

function jsonOfList(members: readonly MemberPresence[], format: PresenceFormat): string {
  let json = listJson[format].get(members)
  if (json === undefined) {
    json =
      format === 'rows'
        ? JSON.stringify(memberColumns(members))
        : `[${members.map((m) => jsonOf(m)).join(',')}]`
    if (Object.isFrozen(members)) listJson[format].set(members, json)
  }
  return json
}

function jsonOf(member: MemberPresence): string {
  let json = memberJson.get(member)
  if (json === undefined) {
    json = JSON.stringify(member)
    // only views that can no longer change (the hub freezes its own) are remembered
    if (Object.isFrozen(member)) memberJson.set(member, json)
  }
  return json
}

/**
 * Where the members go in a snapshot's JSON, always last: `"members":` and the list for
 * `objects`; an empty `members` and the members as `memberColumns` for `rows`.
 */
function membersKey(format: PresenceFormat): string {
  return format === 'rows' ? '"members":[],"memberColumns":' : '"members":'
}

function isSnapshot(value: unknown): value is SpaceSnapshot {
  return (
    typeof value === 'object' &&
    value !== null &&
    'members' in value &&
    Array.isArray(value.members) &&
    'escalations' in value
  )
}

/** Each frozen member list's JSON and the packet's end (`}]`), as bytes: see `snapshotFrame`. */
const listTail: Record<PresenceFormat, WeakMap<readonly MemberPresence[], Buffer>> = {
  objects: new WeakMap(),
  rows: new WeakMap(),
}

function tailOfList(members: readonly MemberPresence[], format: PresenceFormat): Buffer {
  let tail = listTail[format].get(members)
  if (tail === undefined) {
    tail = Buffer.from(`${jsonOfList(members, format)}}]`)
    if (Object.isFrozen(members)) listTail[format].set(members, tail)
  }
  return tail
}

/** A WebSocket frame's header (RFC 6455 §5.2): final, text, not masked (server to client). */
function textFrameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length])
  if (length < 65_536) {
    const header = Buffer.alloc(4)
    header[0] = 0x81
    header[1] = 126
    header.writeUInt16BE(length, 2)
    return header
  }
  const header = Buffer.alloc(10)
  header[0] = 0x81
  header[1] = 127
  header.writeBigUInt64BE(BigInt(length), 2)
  return header
}

/**
 * A snapshot's whole WebSocket frame as two buffers, for Engine.IO's `wsPreEncodedFrame`
 * (what Socket.IO itself uses for broadcasts): the frame header with the Engine.IO message
 * type, the event and this connection's own fields, then the members' JSON, shared by every
 * snapshot of the flush. Written as a string, each 300 kB snapshot of a 2,000-member space
 * was flattened, measured and encoded again per connection (most of a join storm's CPU);
 * this way only the small head is new bytes, and the socket writes both buffers at once.
 */
export function snapshotFrame(
  snapshot: SpaceSnapshot,
  format: PresenceFormat = 'objects',
): [Buffer, Buffer] {
  const { members, ...rest } = snapshot
  const head = JSON.stringify(rest)
  // '4': an Engine.IO message; '2': a Socket.IO event (the '/' namespace is left out)
  const prefix = Buffer.from(
    `4${parser.PacketType.EVENT}["space:snapshot",${head.slice(0, -1)}${head.length > 2 ? ',' : ''}${membersKey(format)}`,
  )
  const tail = tailOfList(members, format)
  return [Buffer.concat([textFrameHeader(prefix.length + tail.length), prefix]), tail]
}

/**
 * One WebSocket frame a payload, back to back in one buffer, each the Engine.IO message of a
 * Socket.IO event `event` (what `socket.emit(event, payload)` writes, one frame each): a
 * flush's changes to every `objects` connection, encoded once for all of them instead of
 * once a change a connection.
 *
 * @example
 * eventFrames('presence:update', [moved, joined]) // two frames, "42[\"presence:update\",…]"
 */
export function eventFrames(event: string, payloads: readonly unknown[]): Buffer {
  const frames: Buffer[] = []
  const name = JSON.stringify(event)
  for (const payload of payloads) {
    const text = Buffer.from(`4${parser.PacketType.EVENT}[${name},${JSON.stringify(payload)}]`)
    frames.push(textFrameHeader(text.length), text)
  }
  return Buffer.concat(frames)
}

/**
 * The JSON of a snapshot, exactly as `JSON.stringify` writes it but with `members` last and
 * each member's JSON taken from the cache; for `rows`, `members` empty and `memberColumns` last.
 *
 * @example
 * snapshotJson(snapshot) // '{"protocolVersion":1,…,"members":[{"userId":…},…]}'
 * snapshotJson(snapshot, 'rows') // '{"protocolVersion":1,…,"members":[],"memberColumns":{"ids":…}}'
 */
export function snapshotJson(snapshot: SpaceSnapshot, format: PresenceFormat = 'objects'): string {
  const { members, ...rest } = snapshot
  const head = JSON.stringify(rest)
  return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}${membersKey(format)}${jsonOfList(members, format)}}`
}

/**
 * A snapshot's whole Socket.IO packet (what `socket.emit('space:snapshot', …)` would encode),
 * in the connection's presence format.
 *
 * @example
 * snapshotPacket(snapshot, 'rows') // '2["space:snapshot",{…,"members":[],"memberColumns":{…}}]'
 */
export function snapshotPacket(snapshot: SpaceSnapshot, format: PresenceFormat): string {
  return `${parser.PacketType.EVENT}["space:snapshot",${snapshotJson(snapshot, format)}]`
}

/**
 * Socket.IO's own encoder, with one shortcut: a `space:snapshot` takes its members' JSON from
 * caches (a flush's frozen member list, written once for all the snapshots of that flush; each
 * frozen member view, written once per change) instead of walking and stringifying every member
 * again for every connection. The bytes sent are the same, so clients use the ordinary parser.
 */
class SnapshotEncoder extends parser.Encoder {
  override encode(packet: parser.Packet): ReturnType<parser.Encoder['encode']> {
    const data: unknown = packet.data
    if (
      packet.type === parser.PacketType.EVENT &&
      (packet.nsp === '/' || !packet.nsp) &&
      packet.id === undefined &&
      Array.isArray(data) &&
      data.length === 2 &&
      data[0] === 'space:snapshot' &&
      isSnapshot(data[1])
    ) {
      return [snapshotPacket(data[1], 'objects')]
    }
    return super.encode(packet)
  }
}

/** The parser for `new Server(…, { parser })`: the default one with the snapshot shortcut. */
export const flareParser = {
  protocol: parser.protocol,
  Encoder: SnapshotEncoder,
  Decoder: parser.Decoder,
}
