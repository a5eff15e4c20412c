import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type MemberRole, memberColumns, type SpaceResponse } from '@flare/protocol'
import { Server } from 'socket.io'
import type { ManagerOptions, SocketOptions } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { openSpace } from './actions.js'
import { raiseHand } from './hands/hand-actions.js'
import { connectToSpace, currentSocket, disconnectFromSpace, request } from './socket.js'
import { useFlare } from './store/index.js'

// the app connects to its own origin; here, to a real Socket.IO server on loopback
const target = vi.hoisted(() => ({ url: '' }))
vi.mock('socket.io-client', async (importOriginal) => {
  const real = await importOriginal<typeof import('socket.io-client')>()
  return {
    ...real,
    io: (options: Partial<ManagerOptions & SocketOptions>) =>
      real.io(target.url, { ...options, transports: ['websocket'], reconnection: false }),
  }
})

const SPACE = '0b6c7a52-0000-4000-8000-000000000090'
const HAND = '0b6c7a52-0000-4000-8000-000000000042'
const NOT_A_MEMBER = '0b6c7a52-0000-4000-8000-000000000091'
/** A space whose server cannot check the first connection (its database is away). */
const UNAVAILABLE_ONCE = '0b6c7a52-0000-4000-8000-000000000092'
let unavailableAnswered = false
/** A space whose server closes the first connection itself, as a server shutting down does. */
const RESTARTING = '0b6c7a52-0000-4000-8000-000000000094'
let restartClosed = false
/** A space whose server says you are a manager now (an admin promoted you while away). */
const PROMOTED = '0b6c7a52-0000-4000-8000-000000000093'
const YOU = '0b6c7a52-0000-4000-8000-000000000001'
const received: string[] = []
let server: Server

beforeAll(async () => {
  const http = createServer()
  server = new Server(http)
  server.use((socket, next) => {
    if (socket.handshake.auth.spaceId === UNAVAILABLE_ONCE && !unavailableAnswered) {
      unavailableAnswered = true
      return next(
        Object.assign(new Error('Try again.'), {
          data: {
            code: 'UNAVAILABLE',
            message: 'The server cannot check this connection right now: try again.',
          },
        }),
      )
    }
    if (socket.handshake.auth.spaceId !== NOT_A_MEMBER) return next()
    // refused as the Flare server refuses: the reason in the error's `data`
    next(
      Object.assign(new Error('No such space.'), {
        data: { code: 'NOT_FOUND', message: 'No such space.' },
      }),
    )
  })
  server.on('connection', (socket) => {
    if (socket.handshake.auth.spaceId === RESTARTING && !restartClosed) {
      restartClosed = true
      socket.disconnect(true)
      return
    }
    // answers status changes at once, and never answers a raised hand: a lost acknowledgement
    socket.on('presence:status', (payload: unknown, ack: (result: unknown) => void) => {
      received.push('presence:status')
      ack({ ok: true, echoed: payload })
    })
    socket.on('escalation:raise', () => received.push('escalation:raise'))
    if (socket.handshake.auth.spaceId === PROMOTED) {
      // as the Flare server sends it to a `rows` client: members as columns
      const you = { userId: YOU, displayName: 'Dana Reyes', role: 'manager' as const }
      socket.emit('space:snapshot', {
        protocolVersion: 1,
        spaceId: PROMOTED,
        serverTime: new Date().toISOString(),
        you: YOU,
        members: [],
        memberColumns: memberColumns([
          { ...you, x: 1, y: 1, status: 'available', roomId: null, connected: true },
        ]),
        rooms: [],
        escalations: [],
      })
    }
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  target.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
})
afterEach(() => {
  disconnectFromSpace()
  received.length = 0
})
afterAll(async () => {
  await server.close()
})

/**
 * The connection's states (`state: message`) from `start` on, until it is connected after
 * `start` has finished.
 */
async function statesUntilConnected(start: () => void | Promise<void>): Promise<string[]> {
  const states: string[] = []
  const stop = useFlare.subscribe((state) => {
    states.push(`${state.connection.state}: ${state.connection.message ?? ''}`)
  })
  try {
    await start()
    await new Promise<void>((resolve) => {
      const done = useFlare.subscribe((state) => {
        if (state.connection.state !== 'connected') return
        done()
        resolve()
      })
    })
    return states
  } finally {
    stop()
  }
}

async function connected(): Promise<void> {
  connectToSpace(SPACE)
  const socket = currentSocket()
  if (!socket) throw new Error('connectToSpace opened no socket')
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
}

describe('request(): the one way the web sends a client event', () => {
  it('[9] resolves with the acknowledgement the server sends', async () => {
    await connected()
    expect(await request('presence:status', { status: 'busy' })).toEqual({
      ok: true,
      echoed: { status: 'busy' },
    })
  })

  it('[9] turns a lost acknowledgement into an error result the UI can show, not a promise that never settles', async () => {
    await connected()
    const result = await request(
      'escalation:raise',
      { notify: false, recipients: { userIds: [], groupIds: [] } },
      100,
    )
    expect(received).toEqual(['escalation:raise'])
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: 'The server did not answer in time. Check your connection and try again.',
      },
    })
  })

  it('[3] a raise whose acknowledgement is lost ends in that error, so "Raising…" cannot stay', async () => {
    // before connecting: the client binds its timer functions when it opens the connection
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      await connected()
      const raising = raiseHand({
        message: 'help',
        notify: true,
        recipients: { userIds: [HAND], groupIds: [] },
      })
      await vi.waitFor(() => expect(received).toEqual(['escalation:raise']), {
        timeout: 5_000,
        interval: 10,
      })
      await vi.advanceTimersByTimeAsync(10_000)
      expect(await raising).toEqual({
        ok: false,
        error: expect.objectContaining({
          message: expect.stringMatching(/did not answer in time/),
        }),
      })
    } finally {
      vi.useRealTimers()
    }
  })

  it('[9] answers at once, without sending, while not connected', async () => {
    expect(await request('presence:status', { status: 'away' })).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Not connected to the space. Reconnecting…' },
    })
    expect(received).toEqual([])
  })

  it("[9] shows a refused connection with the server's reason, and does not retry", async () => {
    connectToSpace(NOT_A_MEMBER)
    const refused = await new Promise((resolve) => {
      const stop = useFlare.subscribe((state) => {
        if (state.connection.state !== 'refused') return
        stop()
        resolve(state.connection)
      })
    })
    expect(refused).toEqual({ state: 'refused', message: 'No such space.' })
    expect(currentSocket()?.active).toBe(false)
  })

  it('[12.2.2] a server that cannot check the connection right now is asked again, and the wait is shown', async () => {
    const states = await statesUntilConnected(() => connectToSpace(UNAVAILABLE_ONCE))
    expect(states).toContain(
      'reconnecting: The server cannot check this connection right now: try again.',
    )
    expect(states).not.toContain(
      'refused: The server cannot check this connection right now: try again.',
    )
  })
})

describe('a server that closes the connection itself', () => {
  it('[10.3] is a restart until it says otherwise: the page says so and connects again', async () => {
    const states = await statesUntilConnected(async () => {
      connectToSpace(RESTARTING)
      // connected once, then closed by the server: the wait is for the connection after that
      await vi.waitFor(() => expect(restartClosed).toBe(true), { timeout: 5_000 })
    })
    expect(states).toContain('reconnecting: The server closed the connection.')
    expect(states.some((s) => s.startsWith('refused'))).toBe(false)
  })
})

describe('a role changed while the page was away or loading', () => {
  const space = (role: MemberRole): SpaceResponse => ({
    space: {
      id: PROMOTED,
      name: 'Contact Center',
      mapWidth: 1600,
      mapHeight: 1000,
      timezone: 'UTC',
    },
    role,
    rooms: [],
    groups: [],
    members: [],
  })

  function roleOnPage(): MemberRole | null {
    const s = useFlare.getState().space
    return s.status === 'ready' ? s.value.role : null
  }

  it("[1.5.5][9.4.2] a reconnect's snapshot that brings a new role: the page follows and says so", async () => {
    useFlare.setState({ spaceId: PROMOTED, space: { status: 'ready', value: space('agent') } })
    connectToSpace(PROMOTED)
    await vi.waitFor(() => expect(roleOnPage()).toBe('manager'), { timeout: 5_000, interval: 10 })
    expect(useFlare.getState().announcement.text).toBe('Your role is now manager')
  })

  it('[1.5.5] the space read before the change does not undo the role presence already has', async () => {
    // the space's answer comes after the snapshot, with the role as it was when it was read
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        expect(url).toBe(`/api/spaces/${PROMOTED}`)
        await vi.waitFor(() => expect(useFlare.getState().snapshot).not.toBeNull(), {
          timeout: 5_000,
          interval: 10,
        })
        return new Response(JSON.stringify(space('agent')), { status: 200 })
      }),
    )
    try {
      await openSpace(PROMOTED)
    } finally {
      vi.unstubAllGlobals()
    }
    expect(roleOnPage()).toBe('manager')
    // nothing the member saw changed: the page loaded as a manager
    expect(useFlare.getState().announcement.text).toBe('')
  })
})
