import type { Static, TObject, TSchema } from '@sinclair/typebox'
import type { Result } from './result.js'

/** The acknowledgement callback of a client → server event. */
export type Ack<T extends object = Record<never, never>> = (result: Result<T>) => void

/** One client → server event: the schema of what it carries, and of what a success answers. */
export interface ClientEventSpec<P extends TSchema = TSchema, R extends TObject = TObject> {
  payload: P
  result: R
}

/**
 * Declares a client → server event by its schemas; the server validates `payload` with it and
 * the acknowledgement is `Result<Static<result>>`.
 *
 * @example
 * export const ChatClientEvents = { 'chat:send': clientEvent(ChatSend, ChatMessageSent) }
 */
export function clientEvent<P extends TSchema, R extends TObject>(
  payload: P,
  result: R,
): ClientEventSpec<P, R> {
  return { payload, result }
}

/** A Socket.IO event map of client → server events, typed from their schemas. */
export type ClientEventMap<M extends Record<string, ClientEventSpec>> = {
  [E in keyof M]: (payload: Static<M[E]['payload']>, ack: Ack<Static<M[E]['result']>>) => void
}

/** A Socket.IO event map of server → client events, typed from their payloads' schemas. */
export type ServerEventMap<M extends Record<string, TSchema>> = {
  [E in keyof M]: (payload: Static<M[E]>) => void
}
