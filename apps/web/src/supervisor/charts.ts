// Chart.js, registered piece by piece so only what these charts draw is bundled (see
// docs/decisions/0009-supervisor-charts.md). Loaded on demand by `MetricsCharts`.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js'

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
)

export type { Chart }

/** The theme's colours, read from the CSS tokens when a chart is drawn. */
export function themeColors(element: Element): Record<string, string> {
  const style = getComputedStyle(element)
  const token = (name: string) => style.getPropertyValue(name).trim()
  return {
    text: token('--text'),
    muted: token('--muted'),
    line: token('--line'),
    accent: token('--accent'),
    ticket: token('--ticket'),
    urgent: token('--urgent'),
    hand: token('--hand'),
    ok: token('--ok'),
    info: token('--info-line'),
  }
}

export function drawChart(
  canvas: HTMLCanvasElement,
  config: ChartConfiguration<'bar' | 'line', Array<number | null>, string>,
): Chart<'bar' | 'line', Array<number | null>, string> {
  return new Chart(canvas, config)
}
