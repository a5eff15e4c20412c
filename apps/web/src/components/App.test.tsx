import { act, render, screen } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { followOwnRole } from '../own-role.js'
import { useFlare } from '../store/index.js'
import { App } from './App.js'

// A deterministic stand-in for the server's REST answers; the real server is exercised by the
// server tests and the browser test in e2e/.
function fakeServer(
  routes: Record<string, (init?: RequestInit) => { status: number; body?: unknown }>,
) {
  const calls: Array<{ url: string; init?: RequestInit }> = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, init })
      const route = routes[`${init?.method ?? 'GET'} ${url}`]
      if (!route)
        return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no' } }), {
          status: 404,
        })
      const { status, body } = route(init)
      return new Response(body === undefined ? null : JSON.stringify(body), { status })
    }),
  )
  return calls
}

const unauthenticated = () => ({
  status: 401,
  body: { error: { code: 'UNAUTHENTICATED', message: 'Log in or send a valid API token.' } },
})

afterEach(() => {
  vi.unstubAllGlobals()
  window.history.replaceState(null, '', '/')
})

describe('App', () => {
  it('shows the login page to someone not logged in', async () => {
    fakeServer({ 'GET /api/me': unauthenticated })
    render(<App />)
    expect(await screen.findByRole('button', { name: 'Log in' })).toBeTruthy()
    expect(screen.getByLabelText('Email')).toBeTruthy()
    expect(screen.getByLabelText('Password')).toBeTruthy()
  })

  it("shows the server's reason when a login is refused, and keeps what was typed", async () => {
    const calls = fakeServer({
      'GET /api/me': unauthenticated,
      'POST /api/auth/login': () => ({
        status: 401,
        body: {
          error: {
            code: 'INVALID_CREDENTIALS',
            message: 'That email and password do not match an account.',
          },
        },
      }),
    })
    const user = userEvent.setup()
    render(<App />)
    await user.type(await screen.findByLabelText('Email'), 'dana@flare.test')
    await user.type(screen.getByLabelText('Password'), 'wrong{Enter}')
    expect((await screen.findByRole('alert')).textContent).toBe(
      'That email and password do not match an account.',
    )
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('dana@flare.test')
    const login = calls.find((c) => c.url === '/api/auth/login')
    expect(JSON.parse(String(login?.init?.body))).toEqual({
      email: 'dana@flare.test',
      password: 'wrong',
    })
  })

  it('offers to try again when the server cannot be reached', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    )
    render(<App />)
    expect((await screen.findByRole('alert')).textContent).toContain('Flare cannot be reached')
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy()
  })

  it('tells a user with no spaces what to do', async () => {
    fakeServer({
      'GET /api/me': () => ({
        status: 200,
        body: {
          user: {
            id: '6f0e8a4e-0000-4000-8000-000000000001',
            email: 'new@flare.test',
            displayName: 'New Person',
            phone: null,
            preferences: { emailNotifications: true, sound: true, push: false },
          },
          spaces: [],
        },
      }),
    })
    render(<App />)
    expect(await screen.findByRole('heading', { name: 'No spaces yet' })).toBeTruthy()
  })

  describe('the delivery log, for admins and managers', () => {
    const SPACE = '6f0e8a4e-0000-4000-8000-000000000009'
    const meAs = (role: 'manager' | 'agent') => () => ({
      status: 200,
      body: {
        user: {
          id: '6f0e8a4e-0000-4000-8000-000000000001',
          email: 'max@flare.test',
          displayName: 'Max Manager',
          phone: null,
          preferences: { emailNotifications: true, sound: true, push: false },
        },
        spaces: [{ id: SPACE, name: 'Contact Center', role }],
      },
    })
    const NOTE =
      /^Only admins and managers see the delivery log\. Your role in this space is agent\.$/

    it('[1.5.5] gives way to a note, not refusals, when your role becomes agent', async () => {
      window.history.replaceState(null, '', `/spaces/${SPACE}/deliveries`)
      fakeServer({
        'GET /api/me': meAs('manager'),
        [`GET /api/spaces/${SPACE}/deliveries`]: () => ({
          status: 200,
          body: { deliveries: [], nextCursor: null, sink: { email: false, sms: false } },
        }),
      })
      render(<App />)
      expect(await screen.findByRole('heading', { name: 'Deliveries' })).toBeTruthy()
      // come from the settings page: connected to the space, where presence brings the change
      act(() => {
        useFlare.setState({ spaceId: SPACE })
        followOwnRole('agent')
      })
      expect(screen.getByText(NOTE)).toBeTruthy()
      expect(screen.queryByRole('heading', { name: 'Deliveries' })).toBeNull()
      expect(screen.getByRole('link', { name: '← Settings' }).getAttribute('href')).toBe(
        `/spaces/${SPACE}/settings`,
      )
    })

    it('[1.5.5] an agent opening it sees the note without asking the server', async () => {
      window.history.replaceState(null, '', `/spaces/${SPACE}/deliveries`)
      const calls = fakeServer({ 'GET /api/me': meAs('agent') })
      render(<App />)
      expect(await screen.findByText(NOTE)).toBeTruthy()
      expect(calls.map((c) => c.url)).toEqual(['/api/me'])
    })
  })
})
