import type { WallboardCounts, WallboardMessage } from '@flare/protocol'
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../auth/identity.js'
import type { Database } from '../db/database.js'
import { wallboards } from '../db/schema.js'
import type { Broadcaster } from '../realtime/broadcaster.js'

/** One open board in this process. */
export interface BoardClient {
  wallboardId: string
  spaceId: string
  inboxId: string | null
  board: { name: string; spaceName: string }
  send(message: WallboardMessage): void
  /** Says why, then closes the connection. */
  close(reason: 'revoked' | 'unknown'): void
}

interface Feed {
  spaceId: string
  inboxId: string | null
  clients: Set<BoardClient>
  /** The counts last sent, to send only changes. */
  last: string | null
  /** When the counts last went to its boards (the clock's ms), changed or not. */
  sentAt: number
  pending: ReturnType<typeof setTimeout> | null
}

export interface WallboardFeedsDeps {
  database: Database
  clock: Clock
  log: FastifyBaseLogger
  broadcast: Broadcaster
  /** How soon after a change the counts are read again (changes arrive in bursts). */
  settleMs?: number
  /**
   * How often every open board is counted again even without a change in this process: what
   * other processes changed, and links revoked where no Redis carried the word.
   */
  refreshMs?: number
  /**
   * The longest a board goes without a message: the counts are sent again, unchanged, so a TV
   * can tell a quiet floor from a connection that died without closing (its Wi-Fi dropped).
   */
  keepAliveMs?: number
}

/** How often a board hears from the server at least (SPEC §8.5.5); the page allows 2.5 times it. */
export const WALLBOARD_KEEPALIVE_MS = 30_000

/**
 * The live counts of open wallboards (SPEC §8.5). Boards showing the same scope (a space, or
 * one of its inboxes) share one feed: one query per change, however many TVs watch it.
 * Changes in this process (the domain-event bus) and raised hands anywhere (the broadcaster's
 * stream) recount within `settleMs`; everything else within `refreshMs`; a board that heard
 * nothing for `keepAliveMs` gets the same counts again.
 */
export function createWallboardFeeds(deps: WallboardFeedsDeps) {
  const { database, clock, log } = deps
  const settleMs = deps.settleMs ?? 250
  const refreshMs = deps.refreshMs ?? 5_000
  const keepAliveMs = deps.keepAliveMs ?? WALLBOARD_KEEPALIVE_MS
  const feeds = new Map<string, Feed>()
  const streams = new Map<string, () => void>()
  let interval: ReturnType<typeof setInterval> | null = null

  const keyOf = (spaceId: string, inboxId: string | null) => `${spaceId}:${inboxId ?? '*'}`

  async function countsOf(spaceId: string, inboxId: string | null): Promise<WallboardCounts> {
    const scope = inboxId
      ? sql`t.space_id = ${spaceId}::uuid and t.inbox_id = ${inboxId}::uuid`
      : sql`t.space_id = ${spaceId}::uuid`
    const [tickets] = await database.query<{
      waiting: number
      escalated: number
      oldest: Date | string | null
    }>(sql`
      select count(*) filter (where t.waiting_since is not null)::int as waiting,
        count(*) filter (where t.escalation_level > 0)::int as escalated,
        min(t.waiting_since) as oldest
      from tickets t
      where ${scope} and t.status = 'open'`)
    const [sla] = await database.query<{ at_risk: number; breached: number }>(sql`
      select count(*) filter (where t.sla_status = 'at_risk')::int as at_risk,
        count(*) filter (where t.sla_status = 'breached')::int as breached
      from tickets t
      where ${scope} and t.sla_status is not null and t.status in ('open', 'on_hold')`)
    const [hands] = await database.query<{ hands: number }>(sql`
      select count(*)::int as hands from escalations e
      where e.space_id = ${spaceId}::uuid and e.ended_at is null`)
    const oldest = tickets?.oldest ? new Date(tickets.oldest) : null
    return {
      waiting: Number(tickets?.waiting ?? 0),
      atRisk: Number(sla?.at_risk ?? 0),
      breached: Number(sla?.breached ?? 0),
      escalated: Number(tickets?.escalated ?? 0),
      hands: Number(hands?.hands ?? 0),
      oldestWaitingSince: oldest ? oldest.toISOString() : null,
    }
  }

  async function refresh(feed: Feed, force: boolean): Promise<void> {
    if (feed.clients.size === 0) return
    const counts = await countsOf(feed.spaceId, feed.inboxId)
    const text = JSON.stringify(counts)
    if (!force && text === feed.last) return
    feed.last = text
    feed.sentAt = clock().getTime()
    for (const client of feed.clients) {
      client.send({
        type: 'counts',
        board: client.board,
        serverTime: clock().toISOString(),
        counts,
      })
    }
  }

  function refreshSoon(feed: Feed): void {
    if (feed.pending) return
    feed.pending = setTimeout(() => {
      feed.pending = null
      refresh(feed, false).catch((err: unknown) => log.warn({ err }, 'wallboard recount failed'))
    }, settleMs)
  }

  /** Closes the boards whose link was revoked: the backstop when no Redis carried the word. */
  async function closeRevoked(): Promise<void> {
    const open = [...feeds.values()].flatMap((f) => [...f.clients])
    if (open.length === 0) return
    const revoked = await database.db
      .select({ id: wallboards.id })
      .from(wallboards)
      .where(
        and(
          inArray(
            wallboards.id,
            open.map((c) => c.wallboardId),
          ),
          isNotNull(wallboards.revokedAt),
        ),
      )
    const ids = new Set(revoked.map((r) => r.id))
    for (const client of open) if (ids.has(client.wallboardId)) client.close('revoked')
  }

  async function tick(): Promise<void> {
    await closeRevoked()
    const now = clock().getTime()
    // unchanged counts go again once a board has heard nothing for keepAliveMs
    for (const feed of feeds.values()) await refresh(feed, now - feed.sentAt >= keepAliveMs)
  }

  function watchSpace(spaceId: string): void {
    if (streams.has(spaceId)) return
    // raised hands reach this process from every process through the broadcaster's stream
    streams.set(
      spaceId,
      deps.broadcast.onStream(spaceId, () => changed(spaceId)),
    )
  }

  function unwatchSpace(spaceId: string): void {
    if ([...feeds.values()].some((f) => f.spaceId === spaceId)) return
    streams.get(spaceId)?.()
    streams.delete(spaceId)
  }

  /** Something in the space changed: its boards recount shortly. */
  function changed(spaceId: string): void {
    for (const feed of feeds.values()) if (feed.spaceId === spaceId) refreshSoon(feed)
  }

  return {
    countsOf,
    changed,
    /** A board connected: it gets the counts at once, then every change. */
    async add(client: BoardClient): Promise<void> {
      const key = keyOf(client.spaceId, client.inboxId)
      let feed = feeds.get(key)
      if (!feed) {
        feed = {
          spaceId: client.spaceId,
          inboxId: client.inboxId,
          clients: new Set(),
          last: null,
          sentAt: clock().getTime(),
          pending: null,
        }
        feeds.set(key, feed)
      }
      feed.clients.add(client)
      watchSpace(client.spaceId)
      interval ??= setInterval(() => {
        tick().catch((err: unknown) => log.warn({ err }, 'wallboard refresh failed'))
      }, refreshMs)
      const counts = await countsOf(client.spaceId, client.inboxId)
      client.send({
        type: 'counts',
        board: client.board,
        serverTime: clock().toISOString(),
        counts,
      })
      // the board alone in its feed has what the feed last sent: the next tick sends only news
      if (feed.clients.size === 1) {
        feed.last = JSON.stringify(counts)
        feed.sentAt = clock().getTime()
      }
    },
    remove(client: BoardClient): void {
      const key = keyOf(client.spaceId, client.inboxId)
      const feed = feeds.get(key)
      if (!feed) return
      feed.clients.delete(client)
      if (feed.clients.size > 0) return
      if (feed.pending) clearTimeout(feed.pending)
      feeds.delete(key)
      unwatchSpace(client.spaceId)
      if (feeds.size === 0 && interval) {
        clearInterval(interval)
        interval = null
      }
    },
    /** Recounts every open board now (tests; the timer does it every `refreshMs`). */
    tick,
    stop(): void {
      if (interval) clearInterval(interval)
      interval = null
      for (const feed of feeds.values()) if (feed.pending) clearTimeout(feed.pending)
      for (const stop of streams.values()) stop()
      streams.clear()
      feeds.clear()
    },
  }
}

export type WallboardFeeds = ReturnType<typeof createWallboardFeeds>

/** The board a token opens, if its link still stands. */
export async function findOpenBoard(database: Database, tokenHash: string) {
  const [row] = await database.db
    .select()
    .from(wallboards)
    .where(and(eq(wallboards.tokenHash, tokenHash), sql`${wallboards.revokedAt} is null`))
  return row ?? null
}
