import type { TSchema } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { ClientEvents, ServerEvents } from './events.js'

describe('the Socket.IO event maps', () => {
  it('[9] carries the event names other code relies on', () => {
    expect(Object.keys(ClientEvents)).toEqual(
      expect.arrayContaining([
        'escalation:raise',
        'escalation:end',
        'escalation:respond',
        'presence:move',
        'presence:status',
        'chat:send',
      ]),
    )
    expect(Object.keys(ServerEvents)).toEqual(
      expect.arrayContaining([
        'space:snapshot',
        'presence:update',
        'escalation:started',
        'escalation:ended',
        'escalation:notify',
        'escalation:response',
        'chat:message',
        'ticket:escalated',
      ]),
    )
  })

  it('[10] refuses unknown fields in every client payload: each schema is a closed object (or a union of them)', () => {
    for (const [event, spec] of Object.entries(ClientEvents)) {
      const variants: TSchema[] = Array.isArray(spec.payload.anyOf)
        ? spec.payload.anyOf
        : [spec.payload]
      for (const variant of variants) {
        expect({ event, closed: variant.additionalProperties }).toEqual({ event, closed: false })
      }
    }
  })
})
