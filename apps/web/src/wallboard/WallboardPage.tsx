import type { WallboardCounts } from '@flare/protocol/client'
import { useEffect, useState } from 'react'
import { BrandMark } from '../components/BrandMark.js'
import { type BoardState, connectWallboard } from './wallboard-connection.js'
import './wallboard.css'

/** The token in the link's fragment: `/wallboard#flw_…`. */
export function wallboardToken(hash: string): string | null {
  const token = hash.replace(/^#/, '')
  return /^[A-Za-z0-9_-]{10,200}$/.test(token) ? token : null
}

/** This machine's clock, re-read every `everyMs` while `running`; still while not. */
function useTicking(everyMs: number, running: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!running) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs, running])
  return now
}

/** A piece of a duration: its numbers are drawn large, the units and spaces between small. */
type Part = { value: string; number: boolean }

function unitParts(value: number, unit: 'minute' | 'hour' | 'day', pad = false): Part[] {
  return new Intl.NumberFormat(undefined, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    minimumIntegerDigits: pad ? 2 : 1,
  })
    .formatToParts(value)
    .map((p) => ({ value: p.value, number: p.type === 'integer' }))
}

/**
 * A wait as a duration read from across a room, in parts so the units can be smaller than
 * the numbers: `< 1 min`, `16 min`, `1 hr 05 min`, `2 days 5 hr`. Whole minutes: a TV need not tick
 * every second.
 */
export function waitParts(ms: number): Part[] {
  const minutes = Math.floor(Math.max(0, ms) / 60_000)
  const space: Part = { value: ' ', number: false }
  if (minutes < 1) return [{ value: '< ', number: false }, ...unitParts(1, 'minute')]
  if (minutes < 60) return unitParts(minutes, 'minute')
  const hours = Math.floor(minutes / 60)
  if (hours < 24)
    return [...unitParts(hours, 'hour'), space, ...unitParts(minutes % 60, 'minute', true)]
  return [...unitParts(Math.floor(hours / 24), 'day'), space, ...unitParts(hours % 24, 'hour')]
}

const clockTime = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })

function Tile({
  label,
  value,
  tone,
}: {
  label: string
  value: string | Part[]
  tone: 'calm' | 'waiting' | 'risk' | 'breach' | 'hand'
}) {
  const text = typeof value === 'string' ? value : value.map((p) => p.value).join('')
  return (
    <div className={`board-tile board-${tone}`}>
      <span className="board-label">{label}</span>
      {/* a wait with two units is wider than a count: smaller, in a line as tall as a count's,
          so every tile's label stays level */}
      <span className={text.length > 7 ? 'board-value board-value-long' : 'board-value'}>
        {typeof value === 'string'
          ? value
          : value.map((p, i) =>
              p.number ? (
                p.value
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
                <span key={i} className="board-unit">
                  {p.value}
                </span>
              ),
            )}
      </span>
    </div>
  )
}

function Tiles({ counts, now, stale }: { counts: WallboardCounts; now: number; stale: boolean }) {
  const oldest = counts.oldestWaitingSince ? Date.parse(counts.oldestWaitingSince) : null
  const tone = (n: number, busy: 'waiting' | 'risk' | 'breach' | 'hand') => (n > 0 ? busy : 'calm')
  return (
    <div className={stale ? 'board-tiles board-stale' : 'board-tiles'}>
      <Tile label="Waiting" value={String(counts.waiting)} tone={tone(counts.waiting, 'waiting')} />
      <Tile
        label="Longest wait"
        value={oldest === null ? '—' : waitParts(now - oldest)}
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

  const received = state.kind === 'live' ? state : state.kind === 'reconnecting' ? state.last : null
  const shown = received?.message ?? null
  // the server's clock as of the last counts: a TV's own clock may be minutes off
  const skewMs = received ? Date.parse(received.message.serverTime) - received.receivedAt : 0
  const ticking = useTicking(5_000, state.kind === 'live')
  // lost: the numbers, the longest wait among them, stop where the connection did
  const now = (state.kind === 'reconnecting' ? state.lostAt : ticking) + skewMs
  const updated = shown ? clockTime.format(new Date(shown.serverTime)) : null

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
        {state.kind === 'live' && updated && (
          <span className="board-updated">Updated {updated}</span>
        )}
        {/* lost, the banner below says it, larger */}
        <span className={`board-connection board-${state.kind}`} role="status">
          {state.kind === 'live' ? 'Live' : state.kind === 'connecting' ? 'Connecting…' : ''}
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
      {state.kind === 'reconnecting' && (
        // across a room a small word in a corner goes unseen: the whole board says so
        <p className="board-lost" role="alert">
          {shown
            ? `Connection lost — numbers from ${updated}, reconnecting…`
            : 'Connection lost, reconnecting…'}
        </p>
      )}
      {shown ? (
        <Tiles counts={shown.counts} now={now} stale={state.kind !== 'live'} />
      ) : (
        state.kind !== 'reconnecting' && <p className="board-waiting">Connecting to the space…</p>
      )}
    </main>
  )
}
