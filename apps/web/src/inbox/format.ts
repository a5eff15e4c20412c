import type { TicketPriority, TicketStatus } from '@flare/protocol'

export const STATUS_LABEL: Record<TicketStatus, string> = {
  open: 'Open',
  on_hold: 'On hold',
  resolved: 'Resolved',
  closed: 'Closed',
}

export const PRIORITY_LABEL: Record<TicketPriority, string> = {
  urgent: 'Urgent',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
}

/** `45s`, `12m 05s`, `3h 04m`, `2d 5h`: short enough for a list row, exact enough to tick. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const pad = (n: number) => String(n).padStart(2, '0')
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${pad(s % 60)}s`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h ${pad(m % 60)}m`
  return `${Math.floor(h / 24)}d ${h % 24}h`
}

export function customerName(customer: {
  name: string | null
  email: string | null
  phone: string | null
}): string {
  return customer.name ?? customer.phone ?? customer.email ?? 'Unknown customer'
}

/** A `datetime-local` input's value for an instant, in the browser's zone. */
export function toLocalInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000)
  return local.toISOString().slice(0, 16)
}
