// The contract of notification delivery beyond in-app (SPEC §7): the delivery log, Slack,
// signed webhooks, Web Push subscriptions and the per-channel templates.
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { Uuid } from './api.js'
import { TicketAcknowledgedEvent, TicketEscalatedEvent } from './automation.js'
import { NOTIFICATION_CHANNELS } from './escalation-rule.js'
import { clientEvent } from './result-ack.js'
import { Text } from './text.js'

const DateTime = Type.String({ format: 'date-time' })
function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()])
}
function literals<const T extends readonly string[]>(values: T) {
  return Type.Union(values.map((value: T[number]) => Type.Literal(value)))
}

export const DELIVERY_STATES = ['pending', 'sent', 'failed'] as const
export type DeliveryState = (typeof DELIVERY_STATES)[number]

/**
 * What a delivery is about: a firing, a staff reply to a customer, a raised hand, an "I'm on
 * it" (the last two reach webhooks subscribed to them; a red hand also goes by push), an SLA
 * pre-breach warning (in-app only).
 */
export const DELIVERY_EVENTS = [
  'ticket.escalated',
  'ticket.reply',
  'hand.raised',
  'ticket.acknowledged',
  'ticket.sla_warning',
] as const
export type DeliveryEvent = (typeof DELIVERY_EVENTS)[number]

/** An outbound URL (Slack, webhooks): http(s), no spaces, of a sane length. */
const OutboundUrl = Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://\\S+$' })

/** What the built-in sink kept instead of sending (no SMTP_URL / SMS_API_URL). */
export const CapturedMessageDto = Type.Object({
  from: Type.String(),
  to: Type.String(),
  subject: Type.Optional(Type.String()),
  text: Type.String(),
  html: Type.Optional(Type.String()),
})
export type CapturedMessageDto = Static<typeof CapturedMessageDto>

/** One row of the delivery log (`GET /api/spaces/:spaceId/deliveries`). */
export const DeliveryDto = Type.Object({
  id: Uuid,
  event: literals(DELIVERY_EVENTS),
  channel: literals(NOTIFICATION_CHANNELS),
  /** `user:<id>`, `email:<address>`, `phone:<E.164>`, `webhook:<id>` or `space` (Slack). */
  target: Type.String(),
  /** The target as a person reads it: a name, an address, a URL's host. */
  targetLabel: Type.String(),
  state: literals(DELIVERY_STATES),
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Nullable(Type.String()),
  /**
   * Whether it may still go through with nothing changed. A `failed` one: false when its error
   * is permanent (a provider's 4xx, an SMTP 5xx, an invalid address, a missing phone number or
   * configuration: fix the cause, then retry), true when a transient one outlasted its attempts
   * (a retry may find the provider back) and for an in-app pop-up not received (a client that
   * shows it later still marks it sent; in-app rows are never retried by
   * `POST …/deliveries/:id/retry`). A `pending` one: true (it will be tried again; a retry brings
   * that forward). A `sent` one: false, nothing is left to try.
   */
  retryable: Type.Boolean({
    description:
      'Whether it may still go through with nothing changed: false for a permanent failure (fix the cause first) and for a sent delivery; true for a pending one, an exhausted transient failure and an in-app pop-up not received.',
  }),
  ticketId: Nullable(Uuid),
  /** The subject of the ticket it is about (`ticketId`), or null when it is about none. */
  ticketSubject: Nullable(
    Type.String({ description: 'The subject of the ticket `ticketId`; null without one.' }),
  ),
  firingId: Nullable(Uuid),
  createdAt: DateTime,
  lastAttemptAt: Nullable(DateTime),
  /** When a pending delivery is tried next. */
  nextAttemptAt: Nullable(DateTime),
  sentAt: Nullable(DateTime),
  /**
   * Set when the built-in sink kept the message instead of sending it (the demo, without
   * SMTP_URL / SMS_API_URL): it never left this server.
   */
  captured: Nullable(CapturedMessageDto),
  idempotencyKey: Type.String(),
})
export type DeliveryDto = Static<typeof DeliveryDto>

const StateList = `(?:${DELIVERY_STATES.join('|')})`
const ChannelList = `(?:${NOTIFICATION_CHANNELS.join('|')})`

export const DeliveryListQuery = Type.Object(
  {
    /** Comma-separated states (`failed`, `pending,failed`). */
    state: Type.Optional(Type.String({ pattern: `^${StateList}(?:,${StateList})*$` })),
    channel: Type.Optional(Type.String({ pattern: `^${ChannelList}(?:,${ChannelList})*$` })),
    ticketId: Type.Optional(Uuid),
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]|[1-9][0-9]|100)$' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type DeliveryListQuery = Static<typeof DeliveryListQuery>

export const DeliveryListResponse = Type.Object({
  deliveries: Type.Array(DeliveryDto),
  nextCursor: Nullable(Type.String()),
  /** True when email and SMS are kept by the built-in sink rather than sent. */
  sink: Type.Object({ email: Type.Boolean(), sms: Type.Boolean() }),
})
export type DeliveryListResponse = Static<typeof DeliveryListResponse>

export const DeliveryParams = Type.Object({ spaceId: Uuid, deliveryId: Uuid })
export type DeliveryParams = Static<typeof DeliveryParams>
export const DeliveryResponse = Type.Object({ delivery: DeliveryDto })
export type DeliveryResponse = Static<typeof DeliveryResponse>

// ---------------------------------------------------------------------------------------------
// Slack and webhooks

export const SlackIntegrationUpdate = Type.Object(
  { webhookUrl: OutboundUrl },
  { additionalProperties: false },
)
export type SlackIntegrationUpdate = Static<typeof SlackIntegrationUpdate>
export const SlackIntegrationResponse = Type.Object({
  /** The incoming-webhook URL, or null when Slack is not connected. */
  webhookUrl: Nullable(Type.String()),
})
export type SlackIntegrationResponse = Static<typeof SlackIntegrationResponse>

/**
 * What a webhook endpoint can subscribe to (`events` on create, default `['ticket.escalated']`):
 * a rule's firing with the `webhook` channel, a raised hand (yellow or red), and the first
 * "I'm on it" of a firing. Each is sent only to endpoints subscribed to it; `ping` (the "send
 * test event" action) goes to the endpoint tested, whatever it subscribes to.
 */
export const WEBHOOK_EVENTS = ['ticket.escalated', 'hand.raised', 'ticket.acknowledged'] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

export const WebhookCreate = Type.Object(
  {
    url: OutboundUrl,
    /** The events to send; default `['ticket.escalated']`. */
    events: Type.Optional(Type.Array(literals(WEBHOOK_EVENTS), { minItems: 1, uniqueItems: true })),
  },
  { additionalProperties: false },
)
export type WebhookCreate = Static<typeof WebhookCreate>

export const WebhookDto = Type.Object({
  id: Uuid,
  url: Type.String(),
  events: Type.Array(Type.String()),
  createdAt: DateTime,
})
export type WebhookDto = Static<typeof WebhookDto>
/** The answer to a create: the only time the signing secret is shown. */
export const WebhookCreated = Type.Object({
  webhook: Type.Object({
    id: Uuid,
    url: Type.String(),
    events: Type.Array(Type.String()),
    secret: Type.String(),
    createdAt: DateTime,
  }),
})
export type WebhookCreated = Static<typeof WebhookCreated>
export const WebhookListResponse = Type.Object({ webhooks: Type.Array(WebhookDto) })
export type WebhookListResponse = Static<typeof WebhookListResponse>
export const WebhookParams = Type.Object({ spaceId: Uuid, webhookId: Uuid })
export type WebhookParams = Static<typeof WebhookParams>
/** The result of "send test event" (a `ping`). */
export const WebhookTestResult = Type.Object({
  delivered: Type.Boolean(),
  status: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
})
export type WebhookTestResult = Static<typeof WebhookTestResult>

// ---------------------------------------------------------------------------------------------
// In-app delivery receipts

/**
 * An automatic escalation that reached you in the app (`ticket:escalated`) and who took it, if
 * anyone has: what the snapshot carries for each one no client of yours has shown yet, and for
 * each one a client of yours showed that is still live (nobody on its chain, the customer
 * still waiting since before it, within 6 h: SPEC §7.2.1.1), so a new page has its card back.
 * `received` says a client of yours showed it already: the card comes back without its sound.
 */
export const TicketAlertDto = Type.Object({
  event: TicketEscalatedEvent,
  acknowledged: Nullable(TicketAcknowledgedEvent),
  received: Type.Optional(Type.Boolean()),
})
export type TicketAlertDto = Static<typeof TicketAlertDto>

/**
 * `ticket:receipt` (client → server): the delivery receipt of an in-app escalation
 * (`{firingId}`) or SLA pre-breach warning (`{warningId}`). The client sends it when it has
 * shown the pop-up or the amber card; the `in_app` row for you becomes `sent`, and your next
 * snapshot carries it only while it is live, as `received` (`TicketAlertDto`). Not "I'm on
 * it" (`ticket:acknowledge`): a receipt says the pop-up reached you, not that you took the
 * ticket.
 */
export const TicketReceipt = Type.Union([
  Type.Object({ firingId: Uuid }, { additionalProperties: false }),
  Type.Object({ warningId: Uuid }, { additionalProperties: false }),
])
export type TicketReceipt = Static<typeof TicketReceipt>

/**
 * `ticket:receipt`'s acknowledgement: when the pop-up (or card) first reached one of your
 * clients, naming what the receipt named (`firingId` or `warningId`).
 */
export const TicketReceiptResult = Type.Object({
  firingId: Type.Optional(Uuid),
  warningId: Type.Optional(Uuid),
  receivedAt: DateTime,
  /** False when another client of yours had already sent the receipt. */
  first: Type.Boolean(),
})
export type TicketReceiptResult = Static<typeof TicketReceiptResult>

/** Notification delivery's client → server events. */
export const NotificationClientEvents = {
  'ticket:receipt': clientEvent(TicketReceipt, TicketReceiptResult),
}

// ---------------------------------------------------------------------------------------------
// Web Push

export const PushPublicKeyResponse = Type.Object({ publicKey: Type.String() })
export type PushPublicKeyResponse = Static<typeof PushPublicKeyResponse>
/** A push service's URL for one browser; text policy too, so NUL never reaches the database. */
const PushEndpoint = Text({ minLength: 8, maxLength: 2000, pattern: '^https?://\\S+$' })
/** A browser's `PushSubscription.toJSON()`. */
export const PushSubscriptionCreate = Type.Object(
  {
    endpoint: PushEndpoint,
    expirationTime: Type.Optional(Nullable(Type.Number())),
    keys: Type.Object(
      {
        p256dh: Type.String({ minLength: 1, maxLength: 200 }),
        auth: Type.String({ minLength: 1, maxLength: 100 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export type PushSubscriptionCreate = Static<typeof PushSubscriptionCreate>
export const PushSubscriptionDelete = Type.Object(
  { endpoint: PushEndpoint },
  { additionalProperties: false },
)
export type PushSubscriptionDelete = Static<typeof PushSubscriptionDelete>

/** What the service worker gets in a push message. */
export interface PushPayload {
  title: string
  body: string
  /** Where "Open" goes. */
  url: string
  /** Groups notifications: a later one about the same thing replaces the earlier. */
  tag: string
  /** Present for a firing: "I'm on it" acknowledges it. */
  firingId?: string
  spaceId: string
  kind: 'ticket.escalated' | 'hand.raised'
}

// ---------------------------------------------------------------------------------------------
// Templates

export const TEMPLATE_CHANNELS = ['email', 'sms', 'slack', 'push'] as const
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number]

export const NotificationTemplateDto = Type.Object({
  name: Type.Literal('ticket_escalation'),
  channel: literals(TEMPLATE_CHANNELS),
  /** Email subject, push title; null for channels without one. */
  subject: Nullable(Type.String()),
  body: Type.String(),
  /** False while the built-in wording is used. */
  customized: Type.Boolean(),
})
export type NotificationTemplateDto = Static<typeof NotificationTemplateDto>
export const NotificationTemplateListResponse = Type.Object({
  templates: Type.Array(NotificationTemplateDto),
  /** Variables a template may use, each `{name}`. */
  variables: Type.Array(Type.String()),
})
export type NotificationTemplateListResponse = Static<typeof NotificationTemplateListResponse>
export const NotificationTemplateParams = Type.Object({
  spaceId: Uuid,
  channel: literals(TEMPLATE_CHANNELS),
})
export type NotificationTemplateParams = Static<typeof NotificationTemplateParams>
export const NotificationTemplateUpdate = Type.Object(
  {
    subject: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    body: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
)
export type NotificationTemplateUpdate = Static<typeof NotificationTemplateUpdate>
