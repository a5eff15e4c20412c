import {
  EmptyPayload,
  ErrorCode,
  PresenceMove,
  PresenceStatusChange,
  type Result,
} from '@flare/protocol'
import type { FastifyBaseLogger } from 'fastify'
import { handleWithAck, refused } from './ack.js'
import type { SpaceHub } from './space-hub.js'

interface PresenceDeps {
  log: FastifyBaseLogger
  hub: SpaceHub
  userId: string
  socketId: string
}

/** The presence events of one connection: moving, status, leaving. */
export function createPresenceHandlers({ log, hub, userId, socketId }: PresenceDeps) {
  return {
    'presence:move': handleWithAck(log, PresenceMove, ({ x, y }) => {
      if (!hub.contains(x, y)) {
        return refused(ErrorCode.VALIDATION, 'That point is outside the map.', 'x')
      }
      const moved = hub.move(userId, Math.round(x), Math.round(y), socketId)
      if (!moved) return refused(ErrorCode.NOT_FOUND, 'You are not in this space.')
      return { ok: true, x: moved.x, y: moved.y, roomId: moved.roomId }
    }),
    'presence:status': handleWithAck(log, PresenceStatusChange, ({ status }): Result => {
      if (!hub.setStatus(userId, status))
        return refused(ErrorCode.NOT_FOUND, 'You are not in this space.')
      return { ok: true }
    }),
    'space:leave': handleWithAck(log, EmptyPayload, (): Result => {
      hub.leave(userId)
      return { ok: true }
    }),
  }
}
