import type { EscalationDto } from '@flare/protocol/client'
import { countOf } from '../layout/words.js'

/**
 * One vocabulary: a person raises a **hand** (yellow "Hand raised", or red "Urgent hand" that
 * notifies chosen people); the rules raise a **ticket escalation**. Colour is never the only
 * signal: each kind has its own icon and words too.
 */
export const ESCALATION_KIND = {
  yellow: { label: 'Hand raised' },
  red: { label: 'Urgent hand' },
} as const satisfies Record<EscalationDto['color'], { label: string }>

/**
 * Who is responding to a hand, one phrase a person in the order they first responded:
 * `Eli is approaching`, `You are approaching and chatting` (`you`: your user id, for the verb).
 */
export function respondingTexts(
  responses: EscalationDto['responses'],
  nameOf: (userId: string) => string,
  you: string | null,
): string[] {
  const actions = new Map<string, Set<'approach' | 'chat'>>()
  for (const r of responses) {
    const mine = actions.get(r.userId) ?? new Set()
    mine.add(r.action)
    actions.set(r.userId, mine)
  }
  return [...actions].map(([userId, did]) => {
    const doing = (['approach', 'chat'] as const)
      .filter((a) => did.has(a))
      .map((a) => (a === 'approach' ? 'approaching' : 'chatting'))
      .join(' and ')
    return userId === you ? `You are ${doing}` : `${nameOf(userId)} is ${doing}`
  })
}

/**
 * Who is responding, in the one line a pop-up gives it: `Eli is approaching` for one person,
 * `3 responding` for more (the hands panel and the pop-up, hovered or focused, name them all).
 */
export function respondingLine(responding: readonly string[]): string | null {
  if (responding.length === 0) return null
  if (responding.length === 1) return responding[0] ?? null
  return `${countOf(responding.length, 'person', 'people')} responding`
}
