import type {
  DeliveryListResponse,
  DeliveryResponse,
  NotificationTemplateListResponse,
  NotificationTemplateUpdate,
  PushPublicKeyResponse,
  PushSubscriptionCreate,
  SlackIntegrationResponse,
  TemplateChannel,
  TicketMessageResponse,
  WebhookCreated,
  WebhookEvent,
  WebhookListResponse,
  WebhookTestResult,
} from '@flare/protocol'
import { fetchApi } from '../api.js'

const space = (spaceId: string) => `/spaces/${encodeURIComponent(spaceId)}`

export interface DeliveryFilter {
  state?: string
  channel?: string
  ticketId?: string
  cursor?: string
}

/** The REST calls of notification delivery (SPEC §7). */
export const notificationsApi = {
  deliveries: (spaceId: string, filter: DeliveryFilter) => {
    const query = new URLSearchParams(
      Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1])),
    ).toString()
    return fetchApi<DeliveryListResponse>(
      'GET',
      `${space(spaceId)}/deliveries${query ? `?${query}` : ''}`,
    )
  },
  retry: (spaceId: string, deliveryId: string) =>
    fetchApi<DeliveryResponse>(
      'POST',
      `${space(spaceId)}/deliveries/${encodeURIComponent(deliveryId)}/retry`,
    ),
  retryReply: (spaceId: string, ticketId: string, messageId: string) =>
    fetchApi<TicketMessageResponse>(
      'POST',
      `${space(spaceId)}/tickets/${encodeURIComponent(ticketId)}/messages/${encodeURIComponent(messageId)}/retry`,
    ),
  slack: (spaceId: string) =>
    fetchApi<SlackIntegrationResponse>('GET', `${space(spaceId)}/integrations/slack`),
  setSlack: (spaceId: string, webhookUrl: string) =>
    fetchApi<SlackIntegrationResponse>('PUT', `${space(spaceId)}/integrations/slack`, {
      webhookUrl,
    }),
  removeSlack: (spaceId: string) =>
    fetchApi<SlackIntegrationResponse>('DELETE', `${space(spaceId)}/integrations/slack`),
  webhooks: (spaceId: string) => fetchApi<WebhookListResponse>('GET', `${space(spaceId)}/webhooks`),
  addWebhook: (spaceId: string, url: string, events: WebhookEvent[]) =>
    fetchApi<WebhookCreated>('POST', `${space(spaceId)}/webhooks`, { url, events }),
  removeWebhook: (spaceId: string, webhookId: string) =>
    fetchApi<{ deleted: boolean }>(
      'DELETE',
      `${space(spaceId)}/webhooks/${encodeURIComponent(webhookId)}`,
    ),
  testWebhook: (spaceId: string, webhookId: string) =>
    fetchApi<WebhookTestResult>(
      'POST',
      `${space(spaceId)}/webhooks/${encodeURIComponent(webhookId)}/test`,
    ),
  templates: (spaceId: string) =>
    fetchApi<NotificationTemplateListResponse>('GET', `${space(spaceId)}/notification-templates`),
  saveTemplate: (spaceId: string, channel: TemplateChannel, text: NotificationTemplateUpdate) =>
    fetchApi<{ template: NotificationTemplateListResponse['templates'][number] }>(
      'PUT',
      `${space(spaceId)}/notification-templates/${channel}`,
      text,
    ),
  pushPublicKey: () => fetchApi<PushPublicKeyResponse>('GET', '/push/public-key'),
  subscribePush: (subscription: PushSubscriptionCreate) =>
    fetchApi<{ subscribed: boolean }>('POST', '/me/push-subscriptions', subscription),
  unsubscribePush: (endpoint: string) =>
    fetchApi<{ deleted: boolean }>('DELETE', '/me/push-subscriptions', { endpoint }),
}
