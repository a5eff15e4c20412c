import type { FlareClientSocket } from '../socket.js'

type Handler = (payload: unknown) => void

/**
 * A stand-in for the space's Socket.IO connection that a feature's `register…Events` listens
 * on: `fire(event, payload)` delivers a server event to whatever it registered, at once and
 * in order, with no network in between.
 *
 * @example
 * const { socket, fire } = fakeSocket()
 * registerPresenceEvents(socket)
 * fire('presence:update', { kind: 'left', userId })
 */
export function fakeSocket(): {
  socket: FlareClientSocket
  fire: (event: string, payload: unknown) => void
} {
  const handlers = new Map<string, Handler>()
  // only `on` is used by the register functions; the rest of the socket is never reached
  const socket = {
    on: (event: string, h: Handler) => handlers.set(event, h),
  } as unknown as FlareClientSocket
  return { socket, fire: (event, payload) => handlers.get(event)?.(payload) }
}
