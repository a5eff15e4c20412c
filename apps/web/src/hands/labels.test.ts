import { describe, expect, it } from 'vitest'
import { respondingLine, respondingTexts } from './labels.js'

const at = '2026-12-03T10:00:00.000Z'
const names: Record<string, string> = { eli: 'Eli', fatima: 'Fatima' }
const nameOf = (id: string) => names[id] ?? id

describe('who is responding to a hand', () => {
  it('[3.7] one phrase a person, both answers together, the verb agreeing with "You"', () => {
    const responses = [
      { userId: 'eli', action: 'approach' as const, at },
      { userId: 'fatima', action: 'chat' as const, at },
      { userId: 'eli', action: 'chat' as const, at },
    ]
    expect(respondingTexts(responses, nameOf, 'fatima')).toEqual([
      'Eli is approaching and chatting',
      'You are chatting',
    ])
    expect(respondingTexts(responses, nameOf, 'eli')).toEqual([
      'You are approaching and chatting',
      'Fatima is chatting',
    ])
    // chatting first, then approaching: still said in one order
    expect(
      respondingTexts(
        [
          { userId: 'eli', action: 'chat', at },
          { userId: 'eli', action: 'approach', at },
        ],
        nameOf,
        null,
      ),
    ).toEqual(['Eli is approaching and chatting'])
    expect(respondingTexts([], nameOf, null)).toEqual([])
  })

  it('[3.5] a pop-up says who responds in one line: the one phrase, or how many', () => {
    expect(respondingLine([])).toBeNull()
    expect(respondingLine(['Eli is approaching'])).toBe('Eli is approaching')
    expect(respondingLine(['Eli is approaching', 'Fatima is chatting', 'Gus is approaching'])).toBe(
      '3 people responding',
    )
  })
})
