import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ClientToServerEvents, ServerToClientEvents } from '@flare/protocol'
import { ErrorCode } from '@flare/protocol'
import pino from 'pino'
import { Server } from 'socket.io'
import { type Socket as ClientSocket, io as connect } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { forbidden } from '../errors.js'
import {
  type ClientEventHandlers,
  refuseUnknownEvents,
  registerHandlers,
} from './socket-handlers.js'
import type { FlareServer, FlareSocket } from './socket-server.js'

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>

const ESCALATION_ID = '0b7c8a86-2d1f-4f4e-9d6c-2a0a3c1f5e11'

// A bare Socket.IO server on loopback: each test says which handlers a connection gets.
let server: FlareServer
let url = ''
let handlersFor: (socket: FlareSocket, calls: string[]) => ClientEventHandlers = () => ({})
const calls: string[] = []
const logged: unknown[] = []
const log = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) })
const clients: Client[] = []

beforeAll(async () => {
  const http = createServer()
  server = new Server(http)
  server.on('connection', (socket: FlareSocket) => {
    registerHandlers(socket, handlersFor(socket, calls), log)
    refuseUnknownEvents(socket)
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
})
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect()
  calls.length = 0
  logged.length = 0
})
afterAll(async () => {
  await server.close()
})

async function client(): Promise<Client> {
  const c: Client = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  clients.push(c)
  await new Promise<void>((resolve, reject) => {
    c.once('connect', resolve)
    c.once('connect_error', reject)
  })
  return c
}

describe('registerHandlers: the one way socket handlers are registered', () => {
  it('[9] hands the handler the validated payload and answers with its result', async () => {
    handlersFor = () => ({
      'presence:move': ({ x, y }) => ({ ok: true, x: x + 1, y: y + 1, roomId: null }),
    })
    const c = await client()
    expect(await c.emitWithAck('presence:move', { x: 1, y: 2 })).toEqual({
      ok: true,
      x: 2,
      y: 3,
      roomId: null,
    })
  })

  it('[9] refuses a payload that does not match the schema with VALIDATION, naming the field', async () => {
    handlersFor = (_socket, seen) => ({
      'escalation:end': () => {
        seen.push('end')
        return { ok: false, error: { code: ErrorCode.INTERNAL, message: 'must not run' } }
      },
    })
    const c = await client()
    const bad = c.emitWithAck as (event: string, payload: unknown) => Promise<unknown>
    expect(await bad.call(c, 'escalation:end', { escalationId: 'not-a-uuid' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'VALIDATION', field: 'escalationId' }),
    })
    expect(await bad.call(c, 'escalation:end', { escalationId: ESCALATION_ID, extra: 1 })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'VALIDATION' }),
    })
    expect(await bad.call(c, 'escalation:end', 'a string')).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'VALIDATION' }),
    })
    expect(calls).toEqual([])
  })

  it('[9] refuses an event no feature handles with NOT_FOUND, and the connection carries on', async () => {
    handlersFor = () => ({ 'space:leave': () => ({ ok: true }) })
    const c = await client()
    const unknown = c.emitWithAck as (event: string, payload: unknown) => Promise<unknown>
    expect(await unknown.call(c, 'presence:teleport', { x: 1 })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No such event.' },
    })
    expect(await c.emitWithAck('space:leave', {})).toEqual({ ok: true })
  })

  it('[9] handles an event sent without an acknowledgement callback, and does not crash', async () => {
    handlersFor = (_socket, seen) => ({
      'presence:status': ({ status }) => {
        seen.push(status)
        throw new Error('a failure with nobody to tell')
      },
      'space:leave': () => ({ ok: true }),
    })
    const c = await client()
    const fireAndForget = c.emit as (event: string, payload: unknown) => Client
    fireAndForget.call(c, 'presence:status', { status: 'busy' })
    // the same connection still answers: the failure was caught and logged, not thrown
    expect(await c.emitWithAck('space:leave', {})).toEqual({ ok: true })
    expect(calls).toEqual(['busy'])
    expect(logged).toEqual([expect.objectContaining({ msg: 'socket handler failed' })])
  })

  it('[9] accepts the callback as the only argument of an event that carries nothing', async () => {
    handlersFor = () => ({ 'escalation:lower-all': () => ({ ok: true, ended: 3 }) })
    const c = await client()
    const bare = c.emitWithAck as (event: string) => Promise<unknown>
    expect(await bare.call(c, 'escalation:lower-all')).toEqual({ ok: true, ended: 3 })
  })

  it('[9] answers an HttpError with its body and any other error as INTERNAL, without its insides', async () => {
    handlersFor = () => ({
      'escalation:lower-all': () => {
        throw forbidden('This needs the admin or manager role in this space.')
      },
      'space:leave': () => {
        throw new Error('connection string postgres://secret@db')
      },
    })
    const c = await client()
    expect(await c.emitWithAck('escalation:lower-all', {})).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'This needs the admin or manager role in this space.' },
    })
    const internal = await c.emitWithAck('space:leave', {})
    expect(internal).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Something went wrong on our side.' },
    })
  })

  it('refuses to register a handler for a name that is not a client event', () => {
    const socket = { on: () => socket } as unknown as FlareSocket
    const handlers = { 'presence:teleport': () => ({ ok: true }) } as ClientEventHandlers
    expect(() => registerHandlers(socket, handlers, log)).toThrow(
      '"presence:teleport" is not a client event',
    )
  })
})
