import type { ChatMessageDto, SpaceResponse } from '@flare/protocol'
import { vi } from 'vitest'
import { useFlare } from '../store/index.js'

// Shared by the chat's component tests: a space, its people, and a stand-in for the REST API.
export const SPACE = '99999999-9999-4999-8999-999999999999'
export const DANA = '11111111-1111-4111-8111-111111111111'
export const ELI = '22222222-2222-4222-8222-222222222222'
export const GUS = '33333333-3333-4333-8333-333333333333'
export const TIER1 = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
export const DM_ELI = `${DANA}:${ELI}`

export const space: SpaceResponse = {
  space: { id: SPACE, name: 'Contact Center', mapWidth: 1600, mapHeight: 1000, timezone: 'UTC' },
  role: 'agent',
  rooms: [],
  groups: [{ id: TIER1, name: 'Tier 1 support', handle: 'tier1', memberIds: [DANA, ELI] }],
  members: [
    { userId: DANA, displayName: 'Dana Reyes', role: 'agent', managerUserId: null },
    { userId: ELI, displayName: 'Eli Novak', role: 'agent', managerUserId: null },
    { userId: GUS, displayName: 'Gus Okafor', role: 'agent', managerUserId: null },
  ],
}

/** Dana, logged in and connected to the space. */
export function asDana(): void {
  useFlare.setState({
    me: {
      status: 'ready',
      value: {
        user: {
          id: DANA,
          email: 'dana@flare.test',
          displayName: 'Dana Reyes',
          phone: null,
          preferences: { emailNotifications: true, sound: true, push: false },
        },
        spaces: [{ id: SPACE, name: 'Contact Center', role: 'agent' }],
      },
    },
    spaceId: SPACE,
    space: { status: 'ready', value: space },
    connection: { state: 'connected', message: null },
  })
}

let seq = 0
export function message(
  partial: Partial<ChatMessageDto> & Pick<ChatMessageDto, 'body'>,
): ChatMessageDto {
  seq += 1
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    spaceId: SPACE,
    threadKey: 'space',
    kind: 'space',
    authorId: ELI,
    authorName: 'Eli Novak',
    mentions: { userIds: [], groupIds: [] },
    createdAt: new Date(Date.UTC(2026, 10, 23, 10, 0, seq)).toISOString(),
    ...partial,
  }
}

type Route = () => { status: number; body?: unknown }

/** A deterministic stand-in for the server's REST answers, by `METHOD path?query`. */
export function fakeServer(routes: Record<string, Route>): string[] {
  const calls: string[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const key = `${init?.method ?? 'GET'} ${url}`
      calls.push(key)
      const route = routes[key]
      if (!route)
        return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no' } }), {
          status: 404,
        })
      const { status, body } = route()
      return new Response(body === undefined ? null : JSON.stringify(body), { status })
    }),
  )
  return calls
}

export function threadsUrl(): string {
  return `GET /api/spaces/${SPACE}/chat/threads`
}

export function messagesUrl(threadKey: string, before?: string): string {
  return `GET /api/spaces/${SPACE}/chat/threads/${encodeURIComponent(threadKey)}/messages?limit=30${before ? `&before=${encodeURIComponent(before)}` : ''}`
}
