import { findWaitingSince } from '@flare/rules'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyChange, newClockState } from '../src/tickets/waiting-state.js'

const start = new Date('2026-11-23T09:00:00.000Z')
const message = fc.record({
  authorKind: fc.constantFrom('customer' as const, 'staff' as const, 'system' as const),
  internal: fc.boolean(),
  gapMs: fc.integer({ min: 0, max: 3_600_000 }),
})

describe('waiting state, kept incrementally', () => {
  it('[6.2] agrees with the rules engine’s findWaitingSince for any conversation of an open ticket', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 30 }), (steps) => {
        let state = newClockState(start)
        let at = start.getTime()
        const seen: Array<{
          authorKind: 'customer' | 'staff' | 'system'
          internal: boolean
          createdAt: Date
        }> = []
        for (const step of steps) {
          at += step.gapMs
          // customers and the system cannot write internal notes
          const internal = step.authorKind === 'staff' && step.internal
          state = applyChange(state, {
            kind: 'message',
            authorKind: step.authorKind,
            internal,
            at: new Date(at),
          })
          seen.push({ authorKind: step.authorKind, internal, createdAt: new Date(at) })
          expect(state.waitingSince).toEqual(findWaitingSince(seen, start))
        }
      }),
    )
  })

  it('[6.2] after a hold ends, only messages from then on count', () => {
    let state = newClockState(start)
    const at = (m: number) => new Date(start.getTime() + m * 60_000)
    state = applyChange(state, {
      kind: 'message',
      authorKind: 'customer',
      internal: false,
      at: at(1),
    })
    state = applyChange(state, { kind: 'status', status: 'on_hold', holdUntil: at(10), at: at(2) })
    expect(state.waitingSince).toBeNull()
    state = applyChange(state, { kind: 'status', status: 'open', holdUntil: null, at: at(10) })
    expect(state).toMatchObject({ status: 'open', holdUntil: null, waitingSince: null })
    state = applyChange(state, {
      kind: 'message',
      authorKind: 'system',
      internal: false,
      at: at(10),
    })
    expect(state.waitingSince).toBeNull()
    state = applyChange(state, {
      kind: 'message',
      authorKind: 'customer',
      internal: false,
      at: at(12),
    })
    expect(state.waitingSince).toEqual(at(12))
  })

  it('[6.2] escalationLevel survives notes and holds, and resets on a reply, resolve or close', () => {
    const base = { ...newClockState(start), escalationLevel: 2, waitingSince: start }
    const at = new Date(start.getTime() + 60_000)
    expect(
      applyChange(base, { kind: 'message', authorKind: 'staff', internal: true, at })
        .escalationLevel,
    ).toBe(2)
    expect(
      applyChange(base, { kind: 'status', status: 'on_hold', holdUntil: null, at }).escalationLevel,
    ).toBe(2)
    expect(
      applyChange(base, { kind: 'message', authorKind: 'staff', internal: false, at })
        .escalationLevel,
    ).toBe(0)
    for (const status of ['resolved', 'closed'] as const) {
      expect(applyChange(base, { kind: 'status', status, holdUntil: null, at })).toMatchObject({
        status,
        waitingSince: null,
        escalationLevel: 0,
      })
    }
  })
})
