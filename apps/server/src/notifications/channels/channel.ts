import type { NotificationChannel, RuleAction, UserPreferences } from '@flare/protocol'
import type { Db } from '../../db/database.js'
import type { CapturedMessage, notificationOutbox } from '../../db/schema.js'
import type { MessageFacts } from '../message-facts.js'
import { type OutboundRequest, type OutboundResponse, retryAfterMs } from '../outbound-http.js'
import type { RenderedTemplate } from '../templates.js'

export type OutboxRow = typeof notificationOutbox.$inferSelect

/** What a provider said when it took a message. */
export interface Delivered {
  /** The provider's id for it (an SMS sid, an SMTP response), for the delivery log. */
  providerId?: string | null
  /** Set by the built-in sink: the message was kept here, not sent. */
  captured?: CapturedMessage | null
}

/** A delivery that did not go through, and whether trying again may help. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The provider asked to wait this long (`Retry-After`). */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message)
    this.name = 'DeliveryError'
  }
}

/** Who one firing goes to, as the firing resolved it (SPEC §6.1 targets). */
export interface FiringAudience {
  spaceId: string
  userIds: string[]
  action: RuleAction | null | undefined
  /** Each target user's notification preferences. */
  people: ReadonlyMap<string, { preferences: UserPreferences }>
  /** The space's webhook endpoints subscribed to `ticket.escalated`. */
  webhookIds: string[]
}

/** What a channel may use while delivering one row. */
export interface DeliveryContext {
  db: Db
  now: Date
  publicUrl: string
  mailFrom: string
  smtpUrl: string | null
  sms: { apiUrl: string; accountSid: string; authToken: string } | null
  /** What the row is about, loaded once per batch. */
  facts(row: OutboxRow): Promise<MessageFacts>
  /** The space's wording for this channel, rendered for this row. */
  render(row: OutboxRow, channel: 'email' | 'sms' | 'slack' | 'push'): Promise<RenderedTemplate>
  /** An outbound HTTP request with the worker's deadline and the private-address guard. */
  http(request: Omit<OutboundRequest, 'timeoutMs' | 'allowPrivate'>): Promise<OutboundResponse>
  /** A person's contact details, or null when they are gone. */
  user(userId: string): Promise<{
    id: string
    email: string
    displayName: string
    phone: string | null
  } | null>
  /** The VAPID keys and subject for Web Push. */
  vapid(): Promise<{ publicKey: string; privateKey: string; subject: string }>
  timeoutMs: number
}

/**
 * One way out (SPEC §7). Adding a channel is a module in this folder, an entry in
 * `channels/index.ts` and the protocol's `NOTIFICATION_CHANNELS`.
 */
export interface Channel {
  readonly name: NotificationChannel
  /** False for `in_app`, which Socket.IO delivers; true for what the outbox worker sends. */
  readonly queued: boolean
  /** The outbox targets of one firing on this channel (one row each). */
  targetsFor(audience: FiringAudience): string[]
  /** Sends one row; throws a `DeliveryError` when it did not go through. */
  deliver(row: OutboxRow, context: DeliveryContext): Promise<Delivered>
}

/**
 * Turns an HTTP answer into an outcome: 2xx went through; 408, 425, 429 and 5xx may go through
 * later (after `Retry-After` if given); any other status will not.
 */
export function checkHttpAnswer(answer: OutboundResponse, now: Date, what: string): void {
  if (answer.status >= 200 && answer.status < 300) return
  const snippet = answer.body.replace(/\s+/g, ' ').trim().slice(0, 200)
  const message = `${what} answered HTTP ${answer.status}${snippet ? `: ${snippet}` : ''}`
  const retryable =
    answer.status === 408 || answer.status === 425 || answer.status === 429 || answer.status >= 500
  throw new DeliveryError(
    message,
    retryable,
    retryable ? retryAfterMs(answer.headers['retry-after'], now) : null,
  )
}

/** `user:<id>` → the id; anything else → null. */
export function userIdOf(target: string): string | null {
  return target.startsWith('user:') ? target.slice('user:'.length) : null
}
