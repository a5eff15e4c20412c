import type { WallboardMessage } from '@flare/protocol/client'

export type BoardState =
  | { kind: 'connecting' }
  | { kind: 'live'; message: Extract<WallboardMessage, { type: 'counts' }>; receivedAt: number }
  | { kind: 'reconnecting'; last: Extract<WallboardMessage, { type: 'counts' }> | null }
  | { kind: 'closed'; reason: 'revoked' | 'unknown' }

const MAX_RETRY_MS = 30_000

/**
 * A wallboard's live connection (`GET /api/wallboard/live`): says which board it is with the
 * token from the link's fragment (never sent in a URL), then follows the counts. A dropped
 * connection comes back by itself, waiting 1 s doubling to 30 s; a revoked or unknown link is
 * final. Answers the function that stops it.
 */
export function connectWallboard(token: string, onState: (state: BoardState) => void): () => void {
  let socket: WebSocket | null = null
  let retryMs = 1000
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  let last: Extract<WallboardMessage, { type: 'counts' }> | null = null

  function open(): void {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
    const ws = new WebSocket(`${scheme}://${window.location.host}/api/wallboard/live`)
    socket = ws
    let final = false
    ws.onopen = () => ws.send(JSON.stringify({ token }))
    ws.onmessage = (event) => {
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
      last = message
      onState({ kind: 'live', message, receivedAt: Date.now() })
    }
    ws.onclose = () => {
      socket = null
      if (stopped || final) return
      onState({ kind: 'reconnecting', last })
      timer = setTimeout(open, retryMs)
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS)
    }
  }

  onState({ kind: 'connecting' })
  open()
  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
    socket?.close()
  }
}
