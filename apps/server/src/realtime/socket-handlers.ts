import {
  type ApiError,
  type ClientEventName,
  type ClientEventPayload,
  type ClientEventResult,
  ClientEvents,
  ErrorCode,
  parse,
  type Result,
} from '@flare/protocol'
import type { FastifyBaseLogger } from 'fastify'
import { HttpError, isUnavailable, unavailable } from '../errors.js'
import type { FlareSocket } from './socket-server.js'

/**
 * The handler of one client event: it gets the payload already checked against the event's
 * schema, and what it returns (or throws, as an `HttpError`) is the acknowledgement.
 */
export type ClientEventHandler<E extends ClientEventName> = (
  payload: ClientEventPayload<E>,
) => Promise<ClientEventResult<E>> | ClientEventResult<E>

/** Handlers for some client events, by name; a name that is not a client event does not compile. */
export type ClientEventHandlers = { [E in ClientEventName]?: ClientEventHandler<E> }

type Answer = (result: Result<object>) => void

function isClientEvent(name: string): name is ClientEventName {
  return Object.hasOwn(ClientEvents, name)
}

/** A refused request, as an acknowledgement: `{ok: false, error: {code, message, field?}}`. */
export function refused(code: ApiError['code'], message: string, field?: string): Result<never> {
  return { ok: false, error: { code, message, ...(field ? { field } : {}) } }
}

/**
 * Registers one connection's handlers for client events. Each event's payload is validated
 * with its schema from `ClientEvents` before its handler runs; every event is answered (a
 * bad payload with `VALIDATION`, a thrown `HttpError` with its body, anything else with
 * `INTERNAL`, whose insides go to the log, never to the client); an event sent without an
 * acknowledgement callback is still handled. A client may send the callback as the only
 * argument of an event that carries nothing, or nothing at all, or `null` in its place.
 *
 * @example
 * registerHandlers(socket, createChatHandlers(deps), log)
 */
export function registerHandlers(
  socket: FlareSocket,
  handlers: ClientEventHandlers,
  log: FastifyBaseLogger,
): void {
  // Socket.IO types `on` per literal event name; the listener below takes any arguments
  const on: (event: ClientEventName, listener: (first: unknown, second: unknown) => void) => void =
    socket.on.bind(socket)

  function register<E extends ClientEventName>(event: E): void {
    const handler: ClientEventHandler<E> | undefined = handlers[event]
    if (!handler) return
    const schema = ClientEvents[event].payload
    on(event, (first, second) => {
      const callback =
        typeof second === 'function' ? second : typeof first === 'function' ? first : null
      const answer: Answer = (result) => callback?.(result)
      // nothing sent (no argument, `undefined`, `null`, or the callback alone) is an empty
      // payload: `escalation:end` written as the contract lists it, with no payload, works
      const sent = typeof first === 'function' || first === undefined || first === null ? {} : first
      const parsed = parse(schema, sent)
      if (!parsed.ok) return answer({ ok: false, error: parsed.error })
      void run(handler, parsed.value, answer)
    })
  }

  async function run<E extends ClientEventName>(
    handler: ClientEventHandler<E>,
    payload: ClientEventPayload<E>,
    answer: Answer,
  ): Promise<void> {
    try {
      answer(await handler(payload))
    } catch (error) {
      if (error instanceof HttpError) return answer({ ok: false, error: error.body })
      // the database is away: say so, so the client can try again, rather than "something went wrong"
      if (isUnavailable(error)) return answer({ ok: false, error: unavailable().body })
      log.error({ err: error }, 'socket handler failed')
      answer(refused(ErrorCode.INTERNAL, 'Something went wrong on our side.'))
    }
  }

  for (const event of Object.keys(handlers)) {
    // the types forbid it; this keeps a handler object built some other way honest too
    if (!isClientEvent(event)) throw new Error(`"${event}" is not a client event`)
    register(event)
  }
}

/**
 * Answers an event no feature handles with `NOT_FOUND` instead of leaving its sender waiting
 * for an acknowledgement that never comes. Call once per connection.
 */
export function refuseUnknownEvents(socket: FlareSocket): void {
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && isClientEvent(event)) return
    const callback = args.at(-1)
    if (typeof callback === 'function') callback(refused(ErrorCode.NOT_FOUND, 'No such event.'))
  })
}
