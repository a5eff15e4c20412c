import { vi } from 'vitest'

/** What a fake route answers to the request's parsed JSON body. */
export type FakeRoute = (body: unknown) => { status: number; body?: unknown }

export interface FakeCall {
  method: string
  url: string
  body: unknown
}

/**
 * Stubs `fetch` with routes keyed by `METHOD /api/path`; anything else answers 404
 * `NOT_FOUND`. Returns the calls made, in order, with their JSON bodies. Undo it with
 * `vi.unstubAllGlobals()`.
 *
 * @example
 * const calls = fakeServer({ 'POST /api/spaces/s/groups': () => ({ status: 201, body: {...} }) })
 */
export function fakeServer(routes: Record<string, FakeRoute>): FakeCall[] {
  const calls: FakeCall[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET'
      const body = init?.body ? JSON.parse(String(init.body)) : undefined
      calls.push({ method, url, body })
      const route = routes[`${method} ${url}`]
      const answer = route
        ? route(body)
        : { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no' } } }
      return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
        status: answer.status,
      })
    }),
  )
  return calls
}
