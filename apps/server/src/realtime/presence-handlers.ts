import { ErrorCode } from '@flare/protocol'
import { type ClientEventHandlers, refused } from './socket-handlers.js'
import type { SpaceHub } from './space-hub.js'

interface PresenceDeps {
  hub: SpaceHub
  userId: string
  socketId: string
}

/** The presence events of one connection: moving, status, leaving. */
export function createPresenceHandlers({ hub, userId, socketId }: PresenceDeps) {
  return {
    'presence:move': ({ x, y }) => {
      if (!hub.contains(x, y)) {
        return refused(ErrorCode.VALIDATION, 'That point is outside the map.', 'x')
      }
      const moved = hub.move(userId, Math.round(x), Math.round(y), socketId)
      if (!moved) return refused(ErrorCode.NOT_FOUND, 'You are not in this space.')
      return { ok: true, x: moved.x, y: moved.y, roomId: moved.roomId }
    },
    'presence:status': ({ status }) => {
      if (!hub.setStatus(userId, status))
        return refused(ErrorCode.NOT_FOUND, 'You are not in this space.')
      return { ok: true }
    },
    'space:leave': () => {
      hub.leave(userId)
      return { ok: true }
    },
  } satisfies ClientEventHandlers
}
