import type { MetricsResponse } from '@flare/protocol/client'
import { render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'

type Drawn = { id: string; config: unknown }
const drawn: Drawn[] = []

// Chart.js draws on a canvas jsdom does not have: the test reads what it would be asked to draw
vi.mock('./charts.js', () => ({
  themeColors: () => ({}),
  drawChart: (canvas: HTMLCanvasElement, config: unknown) => {
    drawn.push({ id: canvas.getAttribute('aria-label') ?? '', config })
    return { destroy() {} }
  },
}))

const { MetricsCharts } = await import('./MetricsCharts.js')

function metrics(bucket: Partial<MetricsResponse['series'][number]>): MetricsResponse {
  return {
    period: {
      from: '2026-11-23T00:00:00.000Z',
      to: '2026-11-24T00:00:00.000Z',
      timezone: 'Europe/London',
      bucket: 'hour',
    },
    filters: { inboxId: null, priority: null, teamId: null },
    tickets: 2,
    escalationRate: { value: 1, numerator: 2, denominator: 2 },
    timeToEscalate: { count: 2, medianMs: 60_000, p90Ms: 60_000 },
    resolutionAfterEscalation: { count: 0, medianMs: null, p90Ms: null, unresolved: 2 },
    repeatEscalationRate: { value: 0, numerator: 0, denominator: 2 },
    slaCompliance: { value: null, numerator: 0, denominator: 0, pending: 0 },
    hands: {
      raised: 0,
      responded: { value: null, numerator: 0, denominator: 0 },
      timeToResponse: { count: 0, medianMs: null, p90Ms: null },
    },
    series: [
      {
        start: '2026-11-23T10:00:00.000Z',
        end: '2026-11-23T11:00:00.000Z',
        tickets: 2,
        escalated: 2,
        repeated: 0,
        timeToEscalateMedianMs: 60_000,
        slaMet: 0,
        slaMissed: 0,
        handsRaised: 0,
        handsResponded: 0,
        handResponseMedianMs: null,
        ...bucket,
      },
    ],
  }
}

describe('the metrics charts', () => {
  it('[8.2.6] a chart with nothing to draw says so instead of empty axes', async () => {
    render(<MetricsCharts metrics={metrics({})} />)
    expect(screen.getByText('No raised hands in this period')).toBeTruthy()
    expect(screen.getByText('No first responses against an SLA target in this period')).toBeTruthy()
    // the charts with numbers are drawn; the empty ones get no canvas at all
    await waitFor(() => expect(drawn.length).toBeGreaterThan(0))
    const canvases = screen.getAllByRole('img').map((c) => c.getAttribute('aria-label'))
    expect(canvases.some((label) => label?.startsWith('Raised hands'))).toBe(false)
    expect(canvases.some((label) => label?.startsWith('Tickets and escalations'))).toBe(true)
  })

  it('[8.2] the escalation rate has room up to 100 %, and a point there is not clipped', async () => {
    drawn.length = 0
    render(<MetricsCharts metrics={metrics({ handsRaised: 1 })} />)
    await waitFor(() => expect(drawn.some((d) => d.id.startsWith('Tickets'))).toBe(true))
    const escalations = drawn.find((d) => d.id.startsWith('Tickets'))?.config
    expect(escalations).toMatchObject({
      data: { datasets: expect.arrayContaining([expect.objectContaining({ clip: false })]) },
      options: {
        layout: { padding: { top: 8 } },
        scales: { right: { min: 0, max: 100 }, left: { grace: '5%' } },
      },
    })
    expect(screen.queryByText('No raised hands in this period')).toBeNull()
  })
})
