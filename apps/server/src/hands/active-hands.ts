import type { EscalationDto, StreamEvent } from '@flare/protocol'
import type { Broadcaster } from '../realtime/broadcaster.js'

export interface ActiveHands {
  /** The hands up in a space, oldest first, from memory once the space was read. */
  list(spaceId: string): Promise<EscalationDto[]>
  /** Reads a space again from the database (events may have been missed during an outage). */
  reload(spaceId: string): Promise<EscalationDto[]>
}

interface SpaceHands {
  hands: EscalationDto[]
  /** Set while the database is being read: events that arrive meanwhile are applied after. */
  pending: StreamEvent[] | null
  loading: Promise<EscalationDto[]> | null
}

function byAge(a: EscalationDto, b: EscalationDto): number {
  return a.startedAt === b.startedAt ? (a.id < b.id ? -1 : 1) : a.startedAt < b.startedAt ? -1 : 1
}

function applyEvent(hands: EscalationDto[], event: StreamEvent): EscalationDto[] {
  switch (event.type) {
    case 'escalation:started':
      if (hands.some((h) => h.id === event.escalation.id)) return hands
      return [...hands, event.escalation].sort(byAge)
    case 'escalation:ended':
      return hands.filter((h) => h.id !== event.ended.id)
    case 'escalation:response':
      return hands.map((h) =>
        h.id === event.escalationId &&
        !h.responses.some(
          (r) => r.userId === event.response.userId && r.action === event.response.action,
        )
          ? { ...h, responses: [...h.responses, event.response] }
          : h,
      )
    case 'snapshot':
      return hands
  }
}

/**
 * The active hands of each space in memory, so a snapshot (one per connection, thousands in a
 * join storm) costs no query. Kept by the broadcaster's stream of escalation events, which
 * carries this process's and, through Redis, every other process's; the stream is subscribed
 * before the database is read, so nothing falls between the two.
 *
 * @example
 * const hands = createActiveHands({ broadcast, read: (spaceId) => listActive(db, spaceId) })
 * const escalations = await hands.list(spaceId)
 */
export function createActiveHands(deps: {
  broadcast: Broadcaster
  read(spaceId: string): Promise<EscalationDto[]>
}): ActiveHands {
  const spaces = new Map<string, SpaceHands>()

  function load(spaceId: string, space: SpaceHands): Promise<EscalationDto[]> {
    space.pending ??= []
    const loading = deps.read(spaceId).then(
      (rows) => {
        let hands = rows
        for (const event of space.pending ?? []) hands = applyEvent(hands, event)
        space.hands = hands
        space.pending = null
        space.loading = null
        return hands
      },
      (error: unknown) => {
        // a space never read stays unread, so the next snapshot tries the database again
        space.loading = null
        space.pending = null
        throw error
      },
    )
    space.loading = loading
    return loading
  }

  const loaded = new Set<string>()

  function follow(spaceId: string): SpaceHands {
    let space = spaces.get(spaceId)
    if (space) return space
    const created: SpaceHands = { hands: [], pending: null, loading: null }
    space = created
    spaces.set(spaceId, created)
    deps.broadcast.onStream(spaceId, (event) => {
      if (created.pending) created.pending.push(event)
      else created.hands = applyEvent(created.hands, event)
    })
    return created
  }

  return {
    async list(spaceId) {
      const space = follow(spaceId)
      if (space.loading) return space.loading
      if (loaded.has(spaceId)) return space.hands
      const hands = await load(spaceId, space)
      loaded.add(spaceId)
      return hands
    },
    async reload(spaceId) {
      const space = follow(spaceId)
      const hands = await (space.loading ?? load(spaceId, space))
      loaded.add(spaceId)
      return hands
    },
  }
}
