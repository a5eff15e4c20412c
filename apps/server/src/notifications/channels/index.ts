import type { NotificationChannel, RuleAction, UserPreferences } from '@flare/protocol'
import type { Tx } from '../../tickets/ticket-repository.js'
import type { Channel } from './channel.js'
import { emailChannel } from './email.js'
import { inAppChannel } from './in-app.js'
import { pushChannel } from './push.js'
import { slackChannel } from './slack.js'
import { smsChannel } from './sms.js'
import { subscribedEndpoints, webhookChannel } from './webhook.js'

export type { Channel, Delivered, DeliveryContext, FiringAudience, OutboxRow } from './channel.js'
export { DeliveryError } from './channel.js'
export { subscribedEndpoints } from './webhook.js'

/** Every channel by name: the one list the worker and the firing consult. */
export const CHANNELS: Record<NotificationChannel, Channel> = {
  in_app: inAppChannel,
  email: emailChannel,
  sms: smsChannel,
  slack: slackChannel,
  webhook: webhookChannel,
  push: pushChannel,
}

/** The channels whose rows the outbox worker sends. */
export const QUEUED_CHANNELS: NotificationChannel[] = Object.values(CHANNELS)
  .filter((c) => c.queued)
  .map((c) => c.name)

function isChannelName(name: string): name is NotificationChannel {
  return Object.hasOwn(CHANNELS, name)
}

export function channelOf(name: string): Channel | null {
  return isChannelName(name) ? CHANNELS[name] : null
}

/** One firing, as the firing batch resolved it. */
export interface FiringPlan {
  spaceId: string
  channels: readonly NotificationChannel[]
  action: RuleAction | null | undefined
  userIds: string[]
  /** `email`/`phone` targets of the rule: they get their own channel whatever the rule lists. */
  addresses: Array<{ kind: 'email' | 'phone'; value: string }>
  people: ReadonlyMap<string, { preferences: UserPreferences }>
}

/**
 * The outbox rows of firings (SPEC §7: one per target and channel), for one firing batch: what
 * the channels need from the database (a space's webhook endpoints) is read once per space.
 */
export function createOutboxPlanner(tx: Tx) {
  const webhooks = new Map<string, Promise<string[]>>()
  function webhookIdsOf(spaceId: string): Promise<string[]> {
    let found = webhooks.get(spaceId)
    if (!found) {
      found = subscribedEndpoints(tx, spaceId, 'ticket.escalated')
      webhooks.set(spaceId, found)
    }
    return found
  }

  return {
    async rowsFor(
      plan: FiringPlan,
    ): Promise<Array<{ target: string; channel: NotificationChannel }>> {
      const audience = {
        spaceId: plan.spaceId,
        userIds: plan.userIds,
        action: plan.action,
        people: plan.people,
        webhookIds: plan.channels.includes('webhook') ? await webhookIdsOf(plan.spaceId) : [],
      }
      const rows: Array<{ target: string; channel: NotificationChannel }> = []
      for (const name of plan.channels) {
        for (const target of CHANNELS[name].targetsFor(audience))
          rows.push({ target, channel: name })
      }
      for (const address of plan.addresses) {
        rows.push({
          target: `${address.kind}:${address.value}`,
          channel: address.kind === 'email' ? 'email' : 'sms',
        })
      }
      return rows
    },
  }
}

export type OutboxPlanner = ReturnType<typeof createOutboxPlanner>
