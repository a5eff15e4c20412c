import type { MetricRatio, MetricsResponse } from '@flare/protocol/client'

function cell(value: string | number | null): string {
  if (value === null) return ''
  const text = String(value)
  // a cell that starts like a formula is kept as text, so a spreadsheet never runs it
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

const minutes = (ms: number | null) => (ms === null ? null : Math.round((ms / 60_000) * 100) / 100)
const share = (r: MetricRatio) => (r.value === null ? null : Math.round(r.value * 10_000) / 10_000)
const rate = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000)

const HEADER = [
  'start',
  'end',
  'tickets',
  'escalated',
  'escalation_rate',
  'repeated',
  'repeat_rate',
  'time_to_escalate_median_min',
  'time_to_escalate_p90_min',
  'resolution_after_escalation_median_min',
  'sla_met',
  'sla_missed',
  'sla_compliance',
  'hands_raised',
  'hands_responded',
  'hand_response_median_min',
]

/**
 * The metrics as CSV: a row for the whole period (`total`), then one per bucket of the chart,
 * each figure beside the counts it was computed from. Durations in minutes, shares 0–1.
 */
export function metricsCsv(m: MetricsResponse): string {
  const total = [
    m.period.from,
    m.period.to,
    m.tickets,
    m.escalationRate.numerator,
    share(m.escalationRate),
    m.repeatEscalationRate.numerator,
    share(m.repeatEscalationRate),
    minutes(m.timeToEscalate.medianMs),
    minutes(m.timeToEscalate.p90Ms),
    minutes(m.resolutionAfterEscalation.medianMs),
    m.slaCompliance.numerator,
    m.slaCompliance.denominator - m.slaCompliance.numerator,
    share(m.slaCompliance),
    m.hands.raised,
    m.hands.responded.numerator,
    minutes(m.hands.timeToResponse.medianMs),
  ]
  const rows = m.series.map((b) => [
    b.start,
    b.end,
    b.tickets,
    b.escalated,
    rate(b.escalated, b.tickets),
    b.repeated,
    rate(b.repeated, b.escalated),
    minutes(b.timeToEscalateMedianMs),
    null,
    null,
    b.slaMet,
    b.slaMissed,
    rate(b.slaMet, b.slaMet + b.slaMissed),
    b.handsRaised,
    b.handsResponded,
    minutes(b.handResponseMedianMs),
  ])
  return [['period', ...HEADER], ['total', ...total], ...rows.map((r) => ['bucket', ...r])]
    .map((r) => r.map(cell).join(','))
    .join('\r\n')
    .concat('\r\n')
}
