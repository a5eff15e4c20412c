import { DEFAULT_INBOX_TRIGGERS, type InboxTriggers } from '@flare/protocol'
import type { TriggerHit } from '@flare/rules'
import type { PendingTrigger } from '../db/schema.js'

/** An inbox's trigger settings: its own once saved, else the defaults (SPEC §11.1.4). */
export function triggerSettingsOf(inbox: { triggers: InboxTriggers | null }): InboxTriggers {
  return inbox.triggers ?? DEFAULT_INBOX_TRIGGERS
}

/**
 * The ticket's pending triggers with a new hit added: one of each kind waits at a time (a
 * second "human please" before the first fired adds nothing).
 */
export function withPendingTrigger(
  pending: readonly PendingTrigger[],
  hit: TriggerHit,
  at: Date,
): PendingTrigger[] {
  if (pending.some((trigger) => trigger.kind === hit.kind)) return [...pending]
  return [
    ...pending,
    {
      kind: hit.kind,
      reason: hit.reason,
      words: hit.words,
      ...(hit.score !== undefined ? { score: hit.score } : {}),
      at: at.toISOString(),
    },
  ]
}
