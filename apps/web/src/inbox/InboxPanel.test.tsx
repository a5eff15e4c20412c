import type { SpaceResponse, TicketDto, TicketMessageDto } from '@flare/protocol'
import { act, render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FlareClientSocket } from '../socket.js'
import { useFlare } from '../store/index.js'
import { ticketFixture } from '../test/ticket-fixture.js'
import { InboxPanel } from './InboxPanel.js'
import { registerInboxEvents } from './inbox-socket.js'

const SPACE = '0b6c7a52-0000-4000-8000-000000000001'
const INBOX = '0b6c7a52-0000-4000-8000-0000000000b1'
const DANA = '0b6c7a52-0000-4000-8000-0000000000d1'
const ELI = '0b6c7a52-0000-4000-8000-0000000000e1'

function ticket(id: string, fields: Partial<TicketDto> = {}): TicketDto {
  return ticketFixture({
    id,
    spaceId: SPACE,
    inboxId: INBOX,
    subject: `Subject ${id.slice(-2)}`,
    waitingSince: null,
    ...fields,
  })
}

const T1 = '0b6c7a52-0000-4000-8000-0000000000a1'
const T2 = '0b6c7a52-0000-4000-8000-0000000000a2'

type Route = (init?: RequestInit) => { status: number; body?: unknown }

/** A stand-in for the server: routes by method and path; every call is recorded. */
function fakeServer(routes: Record<string, Route>) {
  const calls: Array<{ method: string; url: string; body: unknown }> = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET'
      calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined })
      const route = routes[`${method} ${url.split('?')[0]}`]
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

const base = `/api/spaces/${SPACE}`

function enterSpace() {
  const space: SpaceResponse = {
    space: { id: SPACE, name: 'Contact Center', mapWidth: 100, mapHeight: 100, timezone: 'UTC' },
    role: 'agent',
    rooms: [],
    groups: [],
    members: [
      { userId: DANA, displayName: 'Dana Reyes', role: 'agent', managerUserId: null },
      { userId: ELI, displayName: 'Eli Novak', role: 'agent', managerUserId: null },
    ],
  }
  useFlare.setState({ spaceId: SPACE, space: { status: 'ready', value: space } })
}

const inboxes = () => ({
  status: 200,
  body: {
    inboxes: [
      {
        id: INBOX,
        spaceId: SPACE,
        name: 'Support SMS',
        channelAddress: '+15550100',
        adminUserIds: [],
        calendar: null,
        createdAt: '2026-11-01T00:00:00.000Z',
      },
    ],
  },
})

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] })
  vi.setSystemTime(new Date('2026-11-23T10:05:00.000Z'))
  enterSpace()
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('InboxPanel', () => {
  it('[11.2.2] the list says who is on a ticket, and not once they let go or the snooze ran out', async () => {
    const taken = {
      chain: 'default',
      firingId: '0b6c7a52-0000-4000-8000-0000000000f1',
      level: 1,
      userId: DANA,
      acknowledgedAt: '2026-11-23T10:02:00.000Z',
      via: 'app' as const,
      snoozedUntil: null,
      endedAt: null,
      endReason: null,
    }
    fakeServer({
      [`GET ${base}/inboxes`]: inboxes,
      [`GET ${base}/tickets`]: () => ({
        status: 200,
        body: {
          tickets: [
            ticket(T2, { subject: 'Card declined', acknowledgements: [taken] }),
            ticket(T1, {
              subject: 'Change of address',
              acknowledgements: [
                { ...taken, userId: ELI, snoozedUntil: '2026-11-23T10:04:00.000Z' },
              ],
            }),
          ],
          nextCursor: null,
        },
      }),
    })
    render(<InboxPanel />)
    const list = await screen.findByRole('list', { name: 'Tickets' })
    const rows = within(list).getAllByRole('button')
    expect(rows[0]?.textContent).toContain('Dana Reyes is on it')
    // Eli's snooze ended at 10:04: nobody is on that one now
    expect(rows[1]?.textContent).not.toContain('on it')
  })

  it('[4] lists tickets with status, priority, assignee and a ticking waiting time', async () => {
    fakeServer({
      [`GET ${base}/inboxes`]: inboxes,
      [`GET ${base}/tickets`]: () => ({
        status: 200,
        body: {
          tickets: [
            ticket(T2, {
              subject: 'Card declined',
              priority: 'urgent',
              waitingSince: '2026-11-23T10:00:00.000Z',
              createdAt: '2026-11-23T10:01:00.000Z',
              preview: 'My card was declined',
            }),
            ticket(T1, { subject: 'Change of address', status: 'on_hold', assignedToUserId: ELI }),
          ],
          nextCursor: null,
        },
      }),
    })
    render(<InboxPanel />)
    const list = await screen.findByRole('list', { name: 'Tickets' })
    const rows = within(list).getAllByRole('button')
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('Card declined'),
      expect.stringContaining('Change of address'),
    ])
    expect(rows[0]?.textContent).toContain('Urgent')
    expect(rows[0]?.textContent).toContain('Priya Shah · unassigned')
    expect(rows[0]?.textContent).toContain('Waiting 5m 00s')
    expect(rows[1]?.textContent).toContain('On hold')
    // the customer, then who has the ticket (the arrow is for the eye, the words for a reader)
    expect(rows[1]?.textContent).toContain('Priya Shah →  assigned to Eli Novak')
    expect(rows[1]?.textContent).not.toContain('Waiting')
    act(() => {
      vi.advanceTimersByTime(3_000)
    })
    expect(rows[0]?.textContent).toContain('Waiting 5m 03s')
  })

  it('[4] asks the server again when a filter changes', async () => {
    const calls = fakeServer({
      [`GET ${base}/inboxes`]: inboxes,
      [`GET ${base}/tickets`]: () => ({ status: 200, body: { tickets: [], nextCursor: null } }),
    })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    render(<InboxPanel />)
    expect(await screen.findByText(/No tickets here/)).toBeTruthy()
    await user.selectOptions(screen.getByLabelText('Priority'), 'urgent')
    await user.selectOptions(screen.getByLabelText('Assignee'), 'none')
    const last = calls.filter((c) => c.url.includes('/tickets')).at(-1)
    expect(new URL(last?.url ?? '', 'http://x').searchParams.toString()).toBe(
      'limit=50&status=open%2Con_hold&priority=urgent&assignee=none',
    )
  })

  it('[6.2] opens a ticket, sends a reply and shows the waiting state end', async () => {
    const waiting = ticket(T1, {
      subject: 'Where is my order?',
      waitingSince: '2026-11-23T10:00:00.000Z',
    })
    const customer: TicketMessageDto = {
      id: '0b6c7a52-0000-4000-8000-0000000000c1',
      ticketId: T1,
      authorKind: 'customer',
      authorUserId: null,
      body: 'Where is my order?',
      internal: false,
      createdAt: '2026-11-23T10:00:00.000Z',
    }
    const calls = fakeServer({
      [`GET ${base}/inboxes`]: inboxes,
      [`GET ${base}/tickets`]: () => ({
        status: 200,
        body: { tickets: [waiting], nextCursor: null },
      }),
      [`GET ${base}/tickets/${T1}`]: () => ({
        status: 200,
        body: { ticket: waiting, messages: [customer] },
      }),
      [`POST ${base}/tickets/${T1}/replies`]: (init) => ({
        status: 201,
        body: {
          ticket: { ...waiting, waitingSince: null, updatedAt: '2026-11-23T10:05:00.000Z' },
          message: {
            ...customer,
            id: '0b6c7a52-0000-4000-8000-0000000000c2',
            authorKind: 'staff',
            authorUserId: DANA,
            body: JSON.parse(String(init?.body)).body,
            createdAt: '2026-11-23T10:05:00.000Z',
          },
        },
      }),
    })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    render(<InboxPanel />)
    await user.click(await screen.findByRole('button', { name: /Where is my order/ }))
    expect(await screen.findByRole('heading', { name: 'Where is my order?' })).toBeTruthy()
    expect(screen.getByTestId('ticket-waiting').textContent).toContain('Waiting 5m')
    await user.type(screen.getByLabelText('Message'), 'It ships today.')
    await user.click(screen.getByRole('button', { name: 'Send reply' }))

    const conversation = await screen.findByRole('list', { name: 'Conversation' })
    await within(conversation).findByText('It ships today.')
    expect(within(conversation).getByText('Dana Reyes')).toBeTruthy()
    expect(screen.getByTestId('ticket-waiting').textContent).toBe('')
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('')
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ body: 'It ships today.' })

    await user.click(screen.getByRole('button', { name: '← All tickets' }))
    expect(
      (await screen.findByRole('button', { name: /Where is my order/ })).textContent,
    ).not.toContain('Waiting')
  })

  it('[4] asks for a hold\'s date only once "Put on hold…" is pressed, and holds until then', async () => {
    const open = ticket(T1, { subject: 'Where is my order?' })
    const calls = fakeServer({
      [`GET ${base}/inboxes`]: inboxes,
      [`GET ${base}/tickets`]: () => ({ status: 200, body: { tickets: [open], nextCursor: null } }),
      [`GET ${base}/tickets/${T1}`]: () => ({
        status: 200,
        body: { ticket: open, messages: [] },
      }),
      [`PATCH ${base}/tickets/${T1}`]: (init) => {
        const change = JSON.parse(String(init?.body))
        return { status: 200, body: { ticket: { ...open, ...change } } }
      },
    })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    render(<InboxPanel />)
    await user.click(await screen.findByRole('button', { name: /Where is my order/ }))
    await screen.findByRole('heading', { name: 'Where is my order?' })
    // no date on show until a hold is chosen: a proposed one read as a hold already set
    expect(screen.queryByLabelText('Hold until')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Put on hold…' }))
    const date = screen.getByLabelText('Hold until') as HTMLInputElement
    expect(document.activeElement).toBe(date)
    // Cancel puts it away again and changes nothing
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByLabelText('Hold until')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Put on hold…' }))
    await user.clear(screen.getByLabelText('Hold until'))
    await user.type(screen.getByLabelText('Hold until'), '2026-11-24T09:30')
    await user.click(screen.getByRole('button', { name: 'Put on hold' }))
    await screen.findByRole('button', { name: 'Take off hold' })
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([
      { status: 'on_hold', holdUntil: new Date('2026-11-24T09:30').toISOString() },
    ])
    expect(screen.queryByLabelText('Hold until')).toBeNull()
  })

  it('[4] shows a reply the server refuses, and keeps the text', async () => {
    const open = ticket(T1, { subject: 'Refund' })
    fakeServer({
      [`GET ${base}/inboxes`]: inboxes,
      [`GET ${base}/tickets`]: () => ({ status: 200, body: { tickets: [open], nextCursor: null } }),
      [`GET ${base}/tickets/${T1}`]: () => ({ status: 200, body: { ticket: open, messages: [] } }),
      [`POST ${base}/tickets/${T1}/notes`]: () => ({
        status: 400,
        body: { error: { code: 'VALIDATION', message: 'body: too long', field: 'body' } },
      }),
    })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    render(<InboxPanel />)
    await user.click(await screen.findByRole('button', { name: /Refund/ }))
    await user.type(await screen.findByLabelText('Message'), 'note')
    await user.click(screen.getByRole('button', { name: 'Add internal note' }))
    expect((await screen.findByRole('alert')).textContent).toBe('body: too long')
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('note')
  })

  it('[4] shows why the list could not load, and tries again', async () => {
    let fail = true
    fakeServer({
      [`GET ${base}/inboxes`]: inboxes,
      [`GET ${base}/tickets`]: () =>
        fail
          ? { status: 500, body: { error: { code: 'INTERNAL', message: 'Database down' } } }
          : { status: 200, body: { tickets: [], nextCursor: null } },
    })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    render(<InboxPanel />)
    expect((await screen.findByRole('alert')).textContent).toContain('Database down')
    fail = false
    await user.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByText(/No tickets here/)).toBeTruthy()
  })

  it('[4] new tickets and messages arrive live over the socket', async () => {
    fakeServer({
      [`GET ${base}/inboxes`]: inboxes,
      [`GET ${base}/tickets`]: () => ({ status: 200, body: { tickets: [], nextCursor: null } }),
    })
    const handlers = new Map<string, (payload: unknown) => void>()
    const socket = {
      on: (event: string, handler: (payload: unknown) => void) => handlers.set(event, handler),
    } as unknown as FlareClientSocket
    registerInboxEvents(socket)
    render(<InboxPanel />)
    expect(await screen.findByText(/No tickets here/)).toBeTruthy()
    const arrived = ticket(T2, {
      subject: 'Just texted',
      waitingSince: '2026-11-23T10:04:00.000Z',
      preview: 'Hello?',
    })
    act(() => handlers.get('ticket:created')?.(arrived))
    const row = await screen.findByRole('button', { name: /Just texted/ })
    expect(row.textContent).toContain('Waiting 1m 00s')
    // an older copy arriving late does not undo a newer one
    act(() =>
      handlers.get('ticket:updated')?.({
        ...arrived,
        status: 'resolved',
        updatedAt: '2026-11-23T10:06:00.000Z',
      }),
    )
    act(() => handlers.get('ticket:updated')?.(arrived))
    expect(screen.queryByRole('button', { name: /Just texted/ })).toBeNull()
  })
})
