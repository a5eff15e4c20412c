import { describe, expect, it } from 'vitest'
import {
  CHAT_BODY_MAX,
  ChatHistoryQuery,
  ChatSend,
  chatBodyProblem,
  chatCursor,
  directThreadKey,
  parseThreadKey,
} from './chat.js'
import { parse } from './validate.js'

const A = '11111111-1111-4111-8111-111111111111'
const B = '22222222-2222-4222-8222-222222222222'

describe('chat thread keys', () => {
  it('[2] names one direct thread whoever writes first', () => {
    expect(directThreadKey(B, A)).toBe(`${A}:${B}`)
    expect(directThreadKey(A, B)).toBe(directThreadKey(B, A))
  })

  it('parses the space channel and canonical direct keys only', () => {
    expect(parseThreadKey('space')).toEqual({ kind: 'space' })
    expect(parseThreadKey(`${A}:${B}`)).toEqual({ kind: 'direct', userIds: [A, B] })
    expect(parseThreadKey(`${B}:${A}`)).toBeNull()
    expect(parseThreadKey(`${A}:${A}`)).toBeNull()
    expect(parseThreadKey('general')).toBeNull()
  })
})

describe('chat message bodies', () => {
  it('counts characters as a person sees them and refuses, never cuts, a long body', () => {
    expect(chatBodyProblem('👋🏽'.repeat(CHAT_BODY_MAX))).toBeNull()
    expect(chatBodyProblem('x'.repeat(CHAT_BODY_MAX + 1))).toMatch(/at most 2000/)
    expect(chatBodyProblem(' \n ')).toBe('Write a message first.')
  })

  it('bounds the payload of chat:send', () => {
    expect(parse(ChatSend, { to: { kind: 'space' }, body: 'hi' }).ok).toBe(true)
    const tooMany = { userIds: Array.from({ length: 21 }, () => A), groupIds: [] }
    expect(parse(ChatSend, { to: { kind: 'space' }, body: 'hi', mentions: tooMany })).toMatchObject(
      { ok: false, error: { field: 'mentions.userIds' } },
    )
    expect(parse(ChatSend, { to: { kind: 'space' }, body: 'x'.repeat(8001) }).ok).toBe(false)
  })

  it('pages with a cursor the history query accepts', () => {
    const cursor = chatCursor({ createdAt: '2026-11-23T10:00:00.000Z', id: A })
    expect(parse(ChatHistoryQuery, { before: cursor, limit: '30' }).ok).toBe(true)
    expect(parse(ChatHistoryQuery, { limit: '0' }).ok).toBe(false)
  })
})
