// What `bench/fanout.ts` and its client processes (`bench/fanout-clients.ts`) say to each other
// over Node's IPC channel. Times are epoch milliseconds with sub-millisecond precision
// (`performance.timeOrigin + performance.now()`), comparable across the processes of one machine.

import type { PresenceFormat } from '@flare/protocol/client'

export type Target = 'bare' | 'flare'

export type Command =
  /** Connect this process's share of clients to one server, all at once. */
  | {
      type: 'storm'
      target: Target
      url: string
      /** Flare only: the space, and one session cookie per client of this process. */
      spaceId: string
      cookies: string[]
      /** Bare only: how many clients this process connects. */
      count: number
      /** How many members every Flare client must see present to be settled. */
      members: number
      /** Flare only: the presence format the clients ask for (the web app's is `rows`). */
      presenceFormat: PresenceFormat
    }
  /** Forget the last round's receipts; answered with `armed`. */
  | { type: 'arm'; target: Target }
  /** Client `index` of this process raises (Flare) or asks for a broadcast of `payload` (bare). */
  | { type: 'raise'; target: Target; index: number; message: string; payload: unknown }
  | { type: 'end'; target: Target; index: number }
  | { type: 'close' }

export type Report =
  | { type: 'ready' }
  | {
      type: 'settled'
      target: Target
      lastAt: number
      snapshotsAt: number
      /** Messages this process's clients received until then (snapshots, presence, welcomes). */
      messages: number
      /** Connections of this process to that server dropped until then, by reason. */
      dropped: Record<string, number>
    }
  | {
      type: 'progress'
      target: Target
      connected: number
      snapshots: number
      settled: number
      retried: number
      /** Why clients of this process lost their connection so far, by Socket.IO's reason. */
      dropped: Record<string, number>
    }
  | { type: 'refused'; target: Target; data: string }
  | { type: 'armed'; target: Target }
  | { type: 'raised'; target: Target; t0: number; escalation: unknown }
  | { type: 'started'; target: Target; times: number[] }
  | { type: 'ended'; target: Target }
  | { type: 'failed'; message: string }

export function isCommand(value: unknown): value is Command {
  return typeof value === 'object' && value !== null && 'type' in value
}

export function isReport(value: unknown): value is Report {
  return typeof value === 'object' && value !== null && 'type' in value
}

/** Now, as epoch milliseconds comparable across processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now()
}
