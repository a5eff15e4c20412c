import type { WallboardCounts } from '@flare/protocol/client'
import { useEffect, useState } from 'react'
import { BrandMark } from '../components/BrandMark.js'
import { formatTicking } from '../layout/words.js'
import { type BoardState, connectWallboard } from './wallboard-connection.js'
import './wallboard.css'

/** The token in the link's fragment: `/wallboard#flw_…`. */
export function wallboardToken(hash: string): string | null {
  const token = hash.replace(/^#/, '')
  return /^[A-Za-z0-9_-]{10,200}$/.test(token) ? token : null
}

function useTicking(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  return now
}

function Tile({
  label,
  value,
  tone,
  detail,
}: {
  label: string
  value: string
  tone: 'calm' | 'waiting' | 'risk' | 'breach' | 'hand'
  detail?: string
}) {
  return (
    <div className={`board-tile board-${tone}`}>
      <span className="board-label">{label}</span>
      {/* a ticking wait is wider than a count: it gets a smaller size so it never overflows */}
      <span className={value.length > 3 ? 'board-value board-value-long' : 'board-value'}>
        {value}
      </span>
      {detail && <span className="board-detail">{detail}</span>}
    </div>
  )
}

function Tiles({ counts, skewMs }: { counts: WallboardCounts; skewMs: number }) {
  const now = useTicking(1000) + skewMs
  const oldest = counts.oldestWaitingSince ? Date.parse(counts.oldestWaitingSince) : null
  const tone = (n: number, busy: 'waiting' | 'risk' | 'breach' | 'hand') => (n > 0 ? busy : 'calm')
  return (
    <div className="board-tiles">
      <Tile label="Waiting" value={String(counts.waiting)} tone={tone(counts.waiting, 'waiting')} />
      <Tile
        label="Longest wait"
        value={oldest === null ? '—' : formatTicking(now - oldest)}
        tone={oldest === null ? 'calm' : 'waiting'}
      />
      <Tile
        label="Escalated"
        value={String(counts.escalated)}
        tone={tone(counts.escalated, 'breach')}
      />
      <Tile label="SLA at risk" value={String(counts.atRisk)} tone={tone(counts.atRisk, 'risk')} />
      <Tile
        label="SLA breached"
        value={String(counts.breached)}
        tone={tone(counts.breached, 'breach')}
      />
      <Tile label="Hands up" value={String(counts.hands)} tone={tone(counts.hands, 'hand')} />
    </div>
  )
}

/**
 * The wallboard (SPEC §8.5): a read-only full-screen view for a TV, readable from across a
 * room, opened by a link without a login and live until the link is revoked.
 */
export function WallboardPage() {
  const [token] = useState(() => wallboardToken(window.location.hash))
  const [state, setState] = useState<BoardState>({ kind: 'connecting' })

  useEffect(() => {
    document.title = 'Wallboard · Flare'
    if (!token) return
    return connectWallboard(token, setState)
  }, [token])

  const shown =
    state.kind === 'live' ? state.message : state.kind === 'reconnecting' ? state.last : null
  const skewMs = state.kind === 'live' ? Date.parse(state.message.serverTime) - state.receivedAt : 0

  if (!token || state.kind === 'closed') {
    return (
      <main className="wallboard wallboard-message">
        <BrandMark size={64} />
        <h1>
          {state.kind === 'closed' && state.reason === 'revoked'
            ? 'This wallboard link was revoked.'
            : 'This wallboard link does not open a board.'}
        </h1>
        <p>Ask an admin or a manager of the space for a new link.</p>
      </main>
    )
  }

  return (
    <main className="wallboard" aria-busy={shown === null}>
      <header className="board-head">
        <BrandMark size={48} />
        <h1>{shown ? `${shown.board.spaceName} · ${shown.board.name}` : 'Wallboard'}</h1>
        <span className={`board-connection board-${state.kind}`} role="status">
          {state.kind === 'live'
            ? 'Live'
            : state.kind === 'reconnecting'
              ? 'Reconnecting…'
              : 'Connecting…'}
        </span>
        {document.fullscreenEnabled && (
          <button
            type="button"
            className="secondary small board-fullscreen"
            onClick={() => void document.documentElement.requestFullscreen().catch(() => {})}
          >
            Full screen
          </button>
        )}
      </header>
      {shown ? (
        <Tiles counts={shown.counts} skewMs={skewMs} />
      ) : (
        <p className="board-waiting">Connecting to the space…</p>
      )}
    </main>
  )
}
