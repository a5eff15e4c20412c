import { describe, expect, it } from 'vitest'
import { DANA, ELI, message } from './chat-fixtures.js'
import {
  emptyThread,
  mergeMessages,
  previewOf,
  splitMentions,
  unreadTail,
  withLatestPage,
} from './chat-state.js'

describe('chat state', () => {
  it('keeps each message once, in the order written', () => {
    const [a, b, c] = [message({ body: 'a' }), message({ body: 'b' }), message({ body: 'c' })]
    expect(mergeMessages([c!, a!], [b!, a!]).map((m) => m.body)).toEqual(['a', 'b', 'c'])
  })

  it('[2] after a reconnect, lays the newest page over what was loaded, without a hole', () => {
    const old = [message({ body: 'old 1' }), message({ body: 'old 2' })]
    const loaded = {
      ...emptyThread('space', DANA),
      messages: old,
      history: 'ready' as const,
      nextCursor: 'older',
    }
    const next = message({ body: 'new' })
    const joined = withLatestPage(loaded, { messages: [old[1]!, next], nextCursor: 'x' })
    expect(joined.messages.map((m) => m.body)).toEqual(['old 1', 'old 2', 'new'])
    expect(joined.nextCursor).toBe('older')
    // more arrived than a page holds: the old ones go rather than leave a gap
    const far = [message({ body: 'far 1' }), message({ body: 'far 2' })]
    const gapped = withLatestPage(loaded, { messages: far, nextCursor: 'far-cursor' })
    expect(gapped.messages.map((m) => m.body)).toEqual(['far 1', 'far 2'])
    expect(gapped.nextCursor).toBe('far-cursor')
  })

  it('names the other person of a direct thread', () => {
    expect(emptyThread(`${DANA}:${ELI}`, DANA)).toMatchObject({ kind: 'direct', otherUserId: ELI })
  })

  it('finds @handles in a message, leaving trailing punctuation outside', () => {
    expect(splitMentions('hi @max.manager: and @tier1.')).toEqual([
      { text: 'hi ', handle: null },
      { text: '@max.manager', handle: 'max.manager' },
      { text: ':', handle: null },
      { text: ' and ', handle: null },
      { text: '@tier1', handle: 'tier1' },
      { text: '.', handle: null },
    ])
  })

  it('[2.3.3] the unread messages are the last ones others wrote', () => {
    const [a, b, c] = [message({ body: 'a' }), message({ body: 'b' }), message({ body: 'c' })]
    const mine = message({ body: 'mine', authorId: DANA })
    expect(unreadTail([a!, b!, mine, c!], 2, DANA).map((m) => m.body)).toEqual(['b', 'c'])
    expect(unreadTail([a!, c!], 5, DANA).map((m) => m.body)).toEqual(['a', 'c'])
    expect(unreadTail([a!], 0, DANA)).toEqual([])
  })

  it('[2.3.2] a preview is one line, cut at whole characters with an ellipsis', () => {
    expect(previewOf('Queue\n  is long', 80)).toBe('Queue is long')
    expect(previewOf('Queue is long', 8)).toBe('Queue is…')
    expect(previewOf('👍🏽👍🏽👍🏽', 2)).toBe('👍🏽👍🏽…')
  })
})
