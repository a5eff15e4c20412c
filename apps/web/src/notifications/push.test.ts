import { afterEach, describe, expect, it, vi } from 'vitest'
import { enablePush, SUBSCRIBE_DEADLINE_MS } from './push.js'

const KEY =
  'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U'

/** A browser that grants notifications and registers the worker, with `subscribe` as given. */
function browserWith(subscribe: () => Promise<unknown>) {
  const posted: unknown[] = []
  vi.stubGlobal('isSecureContext', true)
  vi.stubGlobal('PushManager', class {})
  vi.stubGlobal('Notification', { requestPermission: async () => 'granted' })
  const registration = { pushManager: { getSubscription: async () => null, subscribe } }
  Object.defineProperty(navigator, 'serviceWorker', {
    configurable: true,
    value: { register: async () => registration, ready: Promise.resolve(registration) },
  })
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.body) posted.push(JSON.parse(String(init.body)))
      return new Response(JSON.stringify(url.endsWith('/public-key') ? { publicKey: KEY } : {}), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })
    }),
  )
  return posted
}

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  Reflect.deleteProperty(navigator, 'serviceWorker')
})

describe('turning push on', () => {
  it("[7.2.6] says so when the browser's push service never answers, instead of waiting for ever", async () => {
    vi.useFakeTimers()
    const posted = browserWith(() => new Promise(() => {}))
    const result = enablePush()
    await vi.advanceTimersByTimeAsync(SUBSCRIBE_DEADLINE_MS)
    expect(await result).toMatch(/push service did not answer/)
    expect(posted).toEqual([])
  })

  it('[7.2.6] hands a subscription to the server', async () => {
    const posted = browserWith(async () => ({
      endpoint: 'https://push.example/abc',
      toJSON: () => ({ expirationTime: null, keys: { p256dh: 'p', auth: 'a' } }),
    }))
    expect(await enablePush()).toBeNull()
    expect(posted).toEqual([
      {
        endpoint: 'https://push.example/abc',
        expirationTime: null,
        keys: { p256dh: 'p', auth: 'a' },
      },
    ])
  })
})
