import type { MetricsResponse, SpaceDto } from '@flare/protocol/client'
import { type ReactNode, useCallback, useEffect, useState } from 'react'
import { countOf } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { metricsCsv } from './csv.js'
import { formatDuration, formatShare } from './format.js'
import { MetricsCharts } from './MetricsCharts.js'
import { type PeriodPreset, PRESET_LABELS, presetRange } from './period.js'
import { downloadFile, fetchMetrics } from './supervisor-actions.js'

const PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const

/** One figure: the number large, what it was computed from beneath it. */
function Figure({ label, value, children }: { label: string; value: string; children: ReactNode }) {
  return (
    <div className="metric-card">
      <h4>{label}</h4>
      <p className="metric-value">{value}</p>
      <p className="metric-counts">{children}</p>
    </div>
  )
}

function Figures({ m }: { m: MetricsResponse }) {
  const sla = m.slaCompliance
  const late = sla.denominator - sla.numerator
  return (
    <div className="metric-groups">
      <section className="metric-cards" aria-labelledby="metric-tickets">
        <h3 className="metric-group" id="metric-tickets">
          Tickets
        </h3>
        <Figure label="Escalation rate" value={formatShare(m.escalationRate)}>
          {m.escalationRate.numerator} of {countOf(m.tickets, 'ticket', 'tickets')} escalated
        </Figure>
        <Figure label="Time to escalate" value={formatDuration(m.timeToEscalate.medianMs)}>
          median; 90 % within {formatDuration(m.timeToEscalate.p90Ms)} ·{' '}
          {countOf(m.timeToEscalate.count, 'escalated ticket', 'escalated tickets')}
        </Figure>
        <Figure
          label="Resolution after escalation"
          value={formatDuration(m.resolutionAfterEscalation.medianMs)}
        >
          median; 90 % within {formatDuration(m.resolutionAfterEscalation.p90Ms)} ·{' '}
          {countOf(m.resolutionAfterEscalation.count, 'resolved', 'resolved')},{' '}
          {m.resolutionAfterEscalation.unresolved} still open
        </Figure>
        <Figure label="Repeat escalation rate" value={formatShare(m.repeatEscalationRate)}>
          {m.repeatEscalationRate.numerator} of{' '}
          {countOf(m.repeatEscalationRate.denominator, 'escalated ticket', 'escalated tickets')}{' '}
          escalated more than once
        </Figure>
        <Figure label="SLA compliance" value={formatShare(sla)}>
          {sla.denominator === 0 && sla.pending === 0
            ? 'no first-response targets in this period'
            : `${sla.numerator} of ${countOf(sla.denominator, 'first response', 'first responses')} within target · ${late} late · ${sla.pending} pending`}
        </Figure>
      </section>
      <section className="metric-cards" aria-labelledby="metric-hands">
        <h3 className="metric-group" id="metric-hands">
          Raised hands
        </h3>
        <Figure label="Raised hands" value={String(m.hands.raised)}>
          {m.hands.responded.numerator} answered ({formatShare(m.hands.responded)})
        </Figure>
        <Figure
          label="Time to answer a hand"
          value={formatDuration(m.hands.timeToResponse.medianMs)}
        >
          median; 90 % within {formatDuration(m.hands.timeToResponse.p90Ms)} ·{' '}
          {countOf(m.hands.timeToResponse.count, 'answered hand', 'answered hands')}
        </Figure>
      </section>
    </div>
  )
}

/**
 * Metrics over a period (SPEC §8.2): today, 7 or 30 days or custom dates in the space's
 * timezone, for the space or one inbox, priority or team; numbers with their counts, charts,
 * and the same figures as CSV.
 */
export function MetricsPanel({ space }: { space: SpaceDto }) {
  const inboxes = useFlare((s) => (s.inboxes.status === 'ready' ? s.inboxes.value : []))
  const teams = useFlare((s) => (s.space.status === 'ready' ? s.space.value.groups : []))
  const [preset, setPreset] = useState<PeriodPreset>('7d')
  const [custom, setCustom] = useState(() => presetRange('7d', space.timezone, new Date()))
  const [inboxId, setInboxId] = useState('')
  const [priority, setPriority] = useState('')
  const [teamId, setTeamId] = useState('')
  const [state, setState] = useState<
    | { status: 'loading'; metrics: MetricsResponse | null }
    | { status: 'ready'; metrics: MetricsResponse }
    | { status: 'error'; message: string; metrics: MetricsResponse | null }
  >({ status: 'loading', metrics: null })

  const range = preset === 'custom' ? custom : presetRange(preset, space.timezone, new Date())
  const { from, to } = range

  const load = useCallback(async () => {
    setState((s) => ({ status: 'loading', metrics: s.metrics }))
    const result = await fetchMetrics({
      from,
      to,
      ...(inboxId ? { inboxId } : {}),
      ...(priority ? { priority } : {}),
      ...(teamId ? { teamId } : {}),
    })
    setState((s) =>
      result.ok
        ? { status: 'ready', metrics: result.value }
        : { status: 'error', message: result.message, metrics: s.metrics },
    )
  }, [from, to, inboxId, priority, teamId])

  useEffect(() => {
    void load()
  }, [load])

  const metrics = state.metrics
  return (
    <div className="metrics-panel">
      <form className="supervisor-filters" onSubmit={(e) => e.preventDefault()}>
        <fieldset className="period-presets">
          <legend>Period ({space.timezone})</legend>
          {(Object.keys(PRESET_LABELS) as PeriodPreset[]).map((p) => (
            <button
              key={p}
              type="button"
              className={preset === p ? 'small' : 'secondary small'}
              aria-pressed={preset === p}
              onClick={() => {
                if (p === 'custom') setCustom(range)
                setPreset(p)
              }}
            >
              {PRESET_LABELS[p]}
            </button>
          ))}
        </fieldset>
        {preset === 'custom' && (
          <>
            <label>
              From
              <input
                type="date"
                value={custom.from}
                max={custom.to}
                onChange={(e) => e.target.value && setCustom({ ...custom, from: e.target.value })}
              />
            </label>
            <label>
              To
              <input
                type="date"
                value={custom.to}
                min={custom.from}
                onChange={(e) => e.target.value && setCustom({ ...custom, to: e.target.value })}
              />
            </label>
          </>
        )}
        <label>
          Inbox
          <select value={inboxId} onChange={(e) => setInboxId(e.target.value)}>
            <option value="">All inboxes</option>
            {inboxes.map((inbox) => (
              <option key={inbox.id} value={inbox.id}>
                {inbox.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Priority
          <select value={priority} onChange={(e) => setPriority(e.target.value)}>
            <option value="">Any priority</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p[0]?.toUpperCase() + p.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Team
          <select value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">Everyone</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="secondary small"
          disabled={!metrics}
          onClick={() =>
            metrics && downloadFile(`flare-metrics-${from}-to-${to}.csv`, metricsCsv(metrics))
          }
        >
          Export CSV
        </button>
      </form>
      {state.status === 'error' && (
        <p role="alert" className="error">
          {state.message}{' '}
          <button type="button" className="secondary small" onClick={() => void load()}>
            Try again
          </button>
        </p>
      )}
      <div aria-busy={state.status === 'loading'} aria-live="polite" className="sr-only">
        {state.status === 'loading' ? 'Loading the figures…' : metrics ? 'Figures updated.' : ''}
      </div>
      {metrics ? (
        <>
          <p className="muted metrics-note">
            Ticket figures are about the {countOf(metrics.tickets, 'ticket', 'tickets')} created in
            the period, as they are now; hand figures about the hands raised in it.
          </p>
          <Figures m={metrics} />
          <MetricsCharts metrics={metrics} />
        </>
      ) : (
        state.status === 'loading' && <p className="muted">Loading the figures…</p>
      )}
    </div>
  )
}
