import type { EscalationDto } from '@flare/protocol/client'

/**
 * One vocabulary: a person raises a **hand** (yellow "Hand raised", or red "Urgent hand" that
 * notifies chosen people); the rules raise a **ticket escalation**. Colour is never the only
 * signal: each kind has its own icon and words too.
 */
export const ESCALATION_KIND = {
  yellow: { label: 'Hand raised' },
  red: { label: 'Urgent hand' },
} as const satisfies Record<EscalationDto['color'], { label: string }>

/** `Eli is approaching`, `You are chatting`: `you` makes the verb agree. */
export function responseText(name: string, action: 'approach' | 'chat', you = false): string {
  const verb = you ? 'are' : 'is'
  return `${you ? 'You' : name} ${verb} ${action === 'approach' ? 'approaching' : 'chatting'}`
}
