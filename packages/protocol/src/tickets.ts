// Inbox and ticket DTOs and events (SPEC §4). Owned by the inbox feature.
import type { Ack } from './result-ack.js'

export type TicketServerToClientEvents = Record<never, never>

export type TicketClientToServerEvents = Record<never, never>

export type { Ack }
