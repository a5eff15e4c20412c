import type { MetricsResponse } from '@flare/protocol/client'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useFlare } from '../store/index.js'
import { bucketLabel, formatDuration } from './format.js'

type ChartsModule = typeof import('./charts.js')
type Drawn = ReturnType<ChartsModule['drawChart']>

interface Series {
  label: string
  values: Array<number | null>
  kind: 'bar' | 'line'
  color: string
  /** The right-hand axis (a share or a duration beside counts). */
  right?: boolean
  stack?: string
}

interface ChartSpec {
  id: string
  title: string
  /** What a screen reader hears instead of the drawing. */
  summary: string
  unit: { left: string; right?: string }
  /** The right-hand axis holds a share: 0 to 100, never more. */
  rightIsPercent?: boolean
  /** Said in place of the chart when the period has nothing to draw. */
  empty: string
  series: Series[]
}

/** Nothing to draw: every value of every series is zero or missing. */
export function isEmptyChart(spec: Pick<ChartSpec, 'series'>): boolean {
  return spec.series.every((s) => s.values.every((v) => v === null || v === 0))
}

/** One chart: a canvas with its caption, a spoken summary, and its numbers as a table. */
function ChartFigure({
  spec,
  labels,
  charts,
}: {
  spec: ChartSpec
  labels: string[]
  charts: ChartsModule | null
}) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const empty = isEmptyChart(spec)

  useEffect(() => {
    if (empty || !charts || !canvas.current) return
    const colors = charts.themeColors(canvas.current)
    const color = (name: string) => colors[name] ?? name
    let drawn: Drawn | null = charts.drawChart(canvas.current, {
      type: 'bar',
      data: {
        labels,
        datasets: spec.series.map((s) => ({
          type: s.kind,
          label: s.label,
          data: s.values,
          backgroundColor: color(s.color),
          borderColor: color(s.color),
          borderWidth: s.kind === 'line' ? 2 : 0,
          yAxisID: s.right ? 'right' : 'left',
          ...(s.stack ? { stack: s.stack } : {}),
          spanGaps: true,
          // a point on the top line (100 %) is drawn whole, not cut in half by the edge
          clip: false,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        // room above the top gridline for a point drawn there
        layout: { padding: { top: 8 } },
        color: colors.text,
        plugins: { legend: { labels: { color: colors.text } } },
        scales: {
          x: {
            stacked: spec.series.some((s) => s.stack),
            ticks: { color: colors.muted },
            grid: { color: colors.line },
          },
          left: {
            position: 'left',
            beginAtZero: true,
            stacked: spec.series.some((s) => s.stack),
            // headroom: the highest bar or point never touches the top edge
            grace: '5%',
            title: { display: true, text: spec.unit.left, color: colors.muted },
            ticks: { color: colors.muted, precision: 0 },
            grid: { color: colors.line },
          },
          ...(spec.unit.right
            ? {
                right: {
                  position: 'right' as const,
                  beginAtZero: true,
                  ...(spec.rightIsPercent ? { min: 0, max: 100 } : { grace: '5%' }),
                  title: { display: true, text: spec.unit.right, color: colors.muted },
                  ticks: { color: colors.muted },
                  grid: { display: false },
                },
              }
            : {}),
        },
      },
    })
    return () => {
      drawn?.destroy()
      drawn = null
    }
  }, [empty, charts, spec, labels])

  if (empty) {
    // empty axes from 0 to 1 say nothing; a sentence says why there is no chart
    return (
      <figure className="metrics-chart">
        <figcaption id={`${spec.id}-caption`}>{spec.title}</figcaption>
        <p className="chart-empty">{spec.empty}</p>
      </figure>
    )
  }

  return (
    <figure className="metrics-chart">
      <figcaption id={`${spec.id}-caption`}>{spec.title}</figcaption>
      <div className="chart-canvas">
        <canvas ref={canvas} role="img" aria-label={`${spec.title}: ${spec.summary}`} />
        {!charts && <p className="muted">Drawing the chart…</p>}
      </div>
      <details>
        <summary>Show the numbers</summary>
        <div className="table-scroll">
          <table>
            <caption className="sr-only">{spec.title}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                {spec.series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) => (
                <tr key={label + String(i)}>
                  <th scope="row">{label}</th>
                  {spec.series.map((s) => (
                    <td key={s.label}>{s.values[i] ?? '—'}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  )
}

const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / 600) / 100)
const percentOf = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 10)

function chartSpecs(metrics: MetricsResponse): ChartSpec[] {
  const { series, period } = metrics
  const busiest = series.reduce(
    (best, b) => (b.tickets > (best?.tickets ?? -1) ? b : best),
    series[0],
  )
  return [
    {
      id: 'chart-escalations',
      title: 'Tickets and escalations',
      summary: `${metrics.tickets} tickets, ${metrics.escalationRate.numerator} escalated${
        busiest
          ? `; busiest ${bucketLabel(busiest.start, period.bucket, period.timezone)} with ${busiest.tickets}`
          : ''
      }.`,
      unit: { left: 'tickets', right: '% escalated' },
      rightIsPercent: true,
      empty: 'No tickets in this period',
      series: [
        { label: 'Tickets', kind: 'bar', color: 'info', values: series.map((b) => b.tickets) },
        {
          label: 'Escalated',
          kind: 'bar',
          color: 'ticket',
          values: series.map((b) => b.escalated),
        },
        {
          label: 'Escalation rate (%)',
          kind: 'line',
          color: 'urgent',
          right: true,
          values: series.map((b) => percentOf(b.escalated, b.tickets)),
        },
      ],
    },
    {
      id: 'chart-times',
      title: 'Median time to escalate and to answer a hand',
      summary: `median time to escalate ${formatDuration(metrics.timeToEscalate.medianMs)}, to answer a raised hand ${formatDuration(metrics.hands.timeToResponse.medianMs)}.`,
      unit: { left: 'minutes' },
      empty: 'No escalations and no answered hands in this period',
      series: [
        {
          label: 'Time to escalate (min)',
          kind: 'line',
          color: 'ticket',
          values: series.map((b) => minutes(b.timeToEscalateMedianMs)),
        },
        {
          label: 'Time to answer a hand (min)',
          kind: 'line',
          color: 'accent',
          values: series.map((b) => minutes(b.handResponseMedianMs)),
        },
      ],
    },
    {
      id: 'chart-sla',
      title: 'First responses against the SLA',
      summary: `${metrics.slaCompliance.numerator} within target, ${
        metrics.slaCompliance.denominator - metrics.slaCompliance.numerator
      } late.`,
      unit: { left: 'first responses' },
      empty: 'No first responses against an SLA target in this period',
      series: [
        {
          label: 'Within target',
          kind: 'bar',
          color: 'ok',
          stack: 'sla',
          values: series.map((b) => b.slaMet),
        },
        {
          label: 'Late',
          kind: 'bar',
          color: 'urgent',
          stack: 'sla',
          values: series.map((b) => b.slaMissed),
        },
      ],
    },
    {
      id: 'chart-hands',
      title: 'Raised hands',
      summary: `${metrics.hands.raised} raised, ${metrics.hands.responded.numerator} answered.`,
      unit: { left: 'hands' },
      empty: 'No raised hands in this period',
      series: [
        { label: 'Raised', kind: 'bar', color: 'hand', values: series.map((b) => b.handsRaised) },
        {
          label: 'Answered',
          kind: 'bar',
          color: 'accent',
          values: series.map((b) => b.handsResponded),
        },
      ],
    },
  ]
}

/**
 * The metrics' charts, per hour or per local day. Chart.js is loaded when the first chart is
 * shown, in a chunk of its own; the numbers beside them never wait for it.
 */
export function MetricsCharts({ metrics }: { metrics: MetricsResponse }) {
  const [charts, setCharts] = useState<ChartsModule | null>(null)
  const [failed, setFailed] = useState(false)
  const theme = useFlare((s) => s.theme)

  useEffect(() => {
    let live = true
    import('./charts.js').then(
      (m) => live && setCharts(m),
      () => live && setFailed(true),
    )
    return () => {
      live = false
    }
  }, [])

  const labels = useMemo(
    () =>
      metrics.series.map((b) =>
        bucketLabel(b.start, metrics.period.bucket, metrics.period.timezone),
      ),
    [metrics],
  )
  // built once per answer: a chart is drawn again only when its numbers change
  const specs = useMemo(() => chartSpecs(metrics), [metrics])

  return (
    <section className="metrics-charts" aria-label="Charts">
      {failed && (
        <p role="alert" className="error">
          The charts could not be loaded. The numbers are in each chart's table.
        </p>
      )}
      {specs.map((spec) => (
        // the colours are read from the theme's tokens when drawing: a new theme draws anew
        <ChartFigure key={`${spec.id}-${theme}`} spec={spec} labels={labels} charts={charts} />
      ))}
    </section>
  )
}
