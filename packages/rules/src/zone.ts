// UTC offsets of IANA timezones, learned from Intl once per 28-day chunk and kept: Intl is
// deterministic but costs microseconds a call, far too slow for the hot path.

export const MINUTE_MS = 60_000
export const DAY_MS = 86_400_000
const CHUNK_MS = 28 * DAY_MS

/** A run of time with one UTC offset: `local = utc + offset` for utc in [start, end). */
export interface OffsetSpan {
  start: number
  end: number
  offset: number
}

interface Chunk {
  /** Span starts, ascending; the first is the chunk's start. */
  starts: number[]
  offsets: number[]
}

/** Offsets of one timezone; build with `zoneFor`. */
export interface Zone {
  readonly name: string
  readonly format: Intl.DateTimeFormat
  readonly chunks: Map<number, Chunk>
}

const zones = new Map<string, Zone>()

/** The cached offset table of a timezone; throws RangeError for an unknown one (as Intl does). */
export function zoneFor(name: string): Zone {
  let zone = zones.get(name)
  if (!zone) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    zone = { name, format, chunks: new Map() }
    zones.set(name, zone)
  }
  return zone
}

/** The offset (ms) at `utc`, straight from Intl; offsets are whole seconds. */
function offsetFromIntl(zone: Zone, utc: number): number {
  const second = Math.floor(utc / 1000) * 1000
  let year = 0
  let month = 0
  let day = 0
  let hour = 0
  let minute = 0
  let sec = 0
  for (const part of zone.format.formatToParts(second)) {
    if (part.type === 'year') year = Number(part.value)
    else if (part.type === 'month') month = Number(part.value)
    else if (part.type === 'day') day = Number(part.value)
    else if (part.type === 'hour') hour = Number(part.value)
    else if (part.type === 'minute') minute = Number(part.value)
    else if (part.type === 'second') sec = Number(part.value)
  }
  return Date.UTC(year, month - 1, day, hour, minute, sec) - second
}

// Samples a day apart find every transition provided no zone changes its offset twice within
// 24 hours, which no IANA zone has done since 1970.
function buildChunk(zone: Zone, index: number): Chunk {
  const start = index * CHUNK_MS
  const starts = [start]
  const offsets = [offsetFromIntl(zone, start)]
  let previous = offsets[0]!
  for (let day = 1; day <= 28; day++) {
    const at = start + day * DAY_MS
    const offset = offsetFromIntl(zone, at)
    if (offset === previous) continue
    // the transition lies in (at - DAY, at]: find its first millisecond
    let low = at - DAY_MS
    let high = at
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2)
      if (offsetFromIntl(zone, middle) === previous) low = middle
      else high = middle
    }
    if (high < start + CHUNK_MS) {
      starts.push(high)
      offsets.push(offset)
    }
    previous = offset
  }
  return { starts, offsets }
}

function chunkOf(zone: Zone, index: number): Chunk {
  let chunk = zone.chunks.get(index)
  if (!chunk) {
    chunk = buildChunk(zone, index)
    zone.chunks.set(index, chunk)
  }
  return chunk
}

/**
 * The spans of constant offset that cover [from, to), in order, clipped to it.
 */
export function offsetSpans(zone: Zone, from: number, to: number): OffsetSpan[] {
  const spans: OffsetSpan[] = []
  const first = Math.floor(from / CHUNK_MS)
  const last = Math.floor((to - 1) / CHUNK_MS)
  for (let index = first; index <= last; index++) {
    const { starts, offsets } = chunkOf(zone, index)
    const chunkEnd = (index + 1) * CHUNK_MS
    for (let i = 0; i < starts.length; i++) {
      const start = Math.max(starts[i]!, from)
      const end = Math.min(starts[i + 1] ?? chunkEnd, to)
      if (end <= start) continue
      const offset = offsets[i]!
      const previous = spans[spans.length - 1]
      // a chunk boundary is not a transition: join the halves of one span
      if (previous && previous.offset === offset && previous.end === start) previous.end = end
      else spans.push({ start, end, offset })
    }
  }
  return spans
}
