import type { WallboardMessage } from '@flare/protocol/client'

type Counts = Extract<WallboardMessage, { type: 'counts' }>

/** The counts as received, `receivedAt` on this machine's clock. */
export interface Received {
  message: Counts
  receivedAt: number
}

export type BoardState =
  | { kind: 'connecting' }
  | ({ kind: 'live' } & Received)
  /** `lostAt`: when the connection dropped (this machine's clock); the counts stop there. */
  | { kind: 'reconnecting'; last: Received | null; lostAt: number }
  | { kind: 'closed'; reason: 'revoked' | 'unknown' }

// a TV nobody touches: once the server is back, the board should be within seconds too
const MAX_RETRY_MS = 15_000
/**
 * The server says something at least every 30 s (SPEC §8.5.5); this long without a word, the
 * connection died without closing (a TV's network dropped) and is dropped here.
 */
export const SILENT_MS = 75_000

/**
 * A wallboard's live connection (`GET /api/wallboard/live`): says which board it is with the
 * token from the link's fragment (never sent in a URL), then follows the counts. A dropped
 * connection comes back by itself, waiting 1 s doubling to 15 s, and so does one that stays
 * silent for `SILENT_MS`; a revoked or unknown link is final. Answers the function that stops
 * it.
 */
export function connectWallboard(token: string, onState: (state: BoardState) => void): () => void {
  let socket: WebSocket | null = null
  let retryMs = 1000
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  let last: Received | null = null
  // the first drop of a run of failed attempts: every retry fails again, the loss stays put
  let lostAt: number | null = null

  function open(): void {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
    const ws = new WebSocket(`${scheme}://${window.location.host}/api/wallboard/live`)
    socket = ws
    let final = false
    let gone = false
    let silence: ReturnType<typeof setTimeout> | null = null
    // a connection that died quietly may take minutes to report its close: stop listening to
    // it and reconnect now
    const listen = () => {
      if (silence) clearTimeout(silence)
      silence = setTimeout(() => {
        ws.onclose = null
        ws.onmessage = null
        ws.close()
        lost()
      }, SILENT_MS)
    }
    const lost = () => {
      if (silence) clearTimeout(silence)
      if (gone) return
      gone = true
      socket = null
      if (stopped || final) return
      lostAt ??= Date.now()
      onState({ kind: 'reconnecting', last, lostAt })
      timer = setTimeout(open, retryMs)
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS)
    }
    ws.onopen = () => {
      ws.send(JSON.stringify({ token }))
      listen()
    }
    ws.onmessage = (event) => {
      listen()
      let message: WallboardMessage
      try {
        message = JSON.parse(String(event.data)) as WallboardMessage
      } catch {
        return
      }
      if (message.type === 'closed') {
        final = true
        onState({ kind: 'closed', reason: message.reason })
        return
      }
      retryMs = 1000
      lostAt = null
      last = { message, receivedAt: Date.now() }
      onState({ kind: 'live', ...last })
    }
    ws.onclose = lost
  }

  onState({ kind: 'connecting' })
  open()
  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
    socket?.close()
  }
}
