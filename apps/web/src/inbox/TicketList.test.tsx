import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { TicketCounts, TicketDto, TicketMessageDto } from '@flare/protocol'
import { act, render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EscalatedTicketsChip } from '../automation/TicketFlares.js'
import { TopBar } from '../components/TopBar.js'
import { PhoneNav } from '../layout/PhoneNav.js'
import { useFlare } from '../store/index.js'
import { demoSpace, U } from '../test/demo-space.js'
import { fakeSocket } from '../test/fake-socket.js'
import { ticketFixture } from '../test/ticket-fixture.js'
import { loadInbox, loadMoreTickets, openTicket } from './inbox-actions.js'
import { registerInboxEvents } from './inbox-socket.js'
import { TicketList } from './TicketList.js'

const SPACE = demoSpace.space.id
const DANA = U(1)
const base = `/api/spaces/${SPACE}`
const id = (n: number) => `0b6c7a52-0000-4000-8000-${String(n).padStart(12, '0')}`

function ticket(n: number, fields: Partial<TicketDto> = {}): TicketDto {
  return ticketFixture({
    id: id(n),
    spaceId: SPACE,
    subject: `Subject ${n}`,
    waitingSince: null,
    createdAt: `2026-11-23T09:${String(n).padStart(2, '0')}:00.000Z`,
    ...fields,
  })
}

interface Answer {
  status: number
  body: unknown
}
type Route = (query: URLSearchParams) => Answer | Promise<Answer>

/** The server: answers `METHOD /path` whatever the query; every request is kept, query parsed. */
function server(routes: Record<string, Route>) {
  const calls: Array<{ path: string; query: URLSearchParams }> = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const parsed = new URL(url, 'http://flare.test')
      const key = `${init?.method ?? 'GET'} ${parsed.pathname}`
      calls.push({ path: parsed.pathname, query: parsed.searchParams })
      const route = routes[key]
      const { status, body } = route
        ? await route(parsed.searchParams)
        : { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no' } } }
      return new Response(JSON.stringify(body), { status })
    }),
  )
  return calls
}

const counts = (waiting: number, escalated: number): TicketCounts => ({ waiting, escalated })
const page = (tickets: TicketDto[], nextCursor: string | null, c = counts(0, 0)): Answer => ({
  status: 200,
  body: { tickets, nextCursor, counts: c },
})
const noInboxes: Route = () => ({ status: 200, body: { inboxes: [] } })

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] })
  vi.setSystemTime(new Date('2026-11-23T10:05:00.000Z'))
  useFlare.setState({ spaceId: SPACE, space: { status: 'ready', value: demoSpace } })
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('the space’s counts', () => {
  it('[4.2.1] the top bar’s and the phone’s Inbox and the map’s corner say the server’s counts, not the tickets loaded', async () => {
    server({
      [`GET ${base}/inboxes`]: noInboxes,
      [`GET ${base}/tickets`]: () =>
        page(
          [
            ticket(1, { waitingSince: '2026-11-23T10:00:00.000Z' }),
            ticket(2, {
              waitingSince: '2026-11-23T10:00:00.000Z',
              escalationLevel: 1,
              lastEscalatedAt: '2026-11-23T10:01:00.000Z',
              escalationHistory: [
                { escalatedAt: '2026-11-23T10:01:00.000Z', ruleId: null, level: 1 },
              ],
            }),
          ],
          'next',
          counts(312, 7),
        ),
    })
    const dana = {
      id: DANA,
      email: 'dana@flare.test',
      displayName: 'Dana Reyes',
      phone: null,
      preferences: { emailNotifications: true, sound: true, push: false },
      pictureUrl: null,
    }
    render(
      <>
        <TopBar spaceId={SPACE} user={dana} compact={false} />
        <PhoneNav />
        <EscalatedTicketsChip />
      </>,
    )
    await act(() => loadInbox())
    const [top, phone] = screen.getAllByRole('button', { name: /^Inbox/ })
    expect(top?.textContent).toBe('Inbox312 waiting')
    expect(phone?.textContent).toBe('Inbox312 waiting')
    expect(screen.getByRole('button', { name: '7 tickets escalated' })).toBeTruthy()
  })

  it('[4.2.1] the server tells them after tickets change: no page asks for them', async () => {
    const calls = server({
      [`GET ${base}/inboxes`]: noInboxes,
      [`GET ${base}/tickets`]: () => page([ticket(1)], null, counts(3, 1)),
    })
    const { socket, fire } = fakeSocket()
    registerInboxEvents(socket)
    await loadInbox()
    expect(useFlare.getState().ticketCounts).toEqual(counts(3, 1))
    // tickets change; the server counts once for everyone and says so
    fire('ticket:updated', ticket(40, { waitingSince: '2026-11-23T09:00:00.000Z' }))
    fire('ticket:counts', { counts: counts(4, 0) })
    expect(useFlare.getState().ticketCounts).toEqual(counts(4, 0))
    expect(calls.filter((c) => c.path.endsWith('/tickets/counts'))).toEqual([])
  })

  it('[4.2.1] a list page asked before the server’s newer word does not overwrite it', async () => {
    const pages: Array<(a: Answer) => void> = []
    server({
      [`GET ${base}/inboxes`]: noInboxes,
      [`GET ${base}/tickets`]: (query) => {
        if (query.has('cursor')) return new Promise<Answer>((resolve) => pages.push(resolve))
        return page([ticket(1)], 'c1', counts(1, 0))
      },
    })
    const { socket, fire } = fakeSocket()
    registerInboxEvents(socket)
    await loadInbox()
    const more = loadMoreTickets()
    await vi.waitFor(() => expect(pages).toHaveLength(1))
    // the server's word comes while the next page is still on its way
    fire('ticket:counts', { counts: counts(9, 2) })
    pages[0]?.(page([], null, counts(5, 0)))
    await more
    expect(useFlare.getState().ticketCounts).toEqual(counts(9, 2))
  })
})

describe('TicketList', () => {
  it('[4.2.2] filters escalated, waiting and SLA at risk, sorts by longest waiting, and keeps them when loading more', async () => {
    const calls = server({
      [`GET ${base}/inboxes`]: noInboxes,
      [`GET ${base}/tickets`]: (query) =>
        query.has('cursor')
          ? page([ticket(3, { waitingSince: '2026-11-23T09:50:00.000Z' })], null)
          : page(
              [
                ticket(1, { waitingSince: '2026-11-23T08:00:00.000Z' }),
                ticket(2, { waitingSince: '2026-11-23T09:00:00.000Z' }),
              ],
              'c1',
            ),
    })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    render(<TicketList />)
    await act(() => loadInbox())
    await user.click(screen.getByRole('checkbox', { name: 'Escalated' }))
    await user.click(screen.getByRole('checkbox', { name: 'Waiting for a reply' }))
    await user.click(screen.getByRole('checkbox', { name: 'SLA at risk or breached' }))
    // the selects wait behind "Filters and order", which says what they are set to
    const more = screen.getByText('Filters and order').closest('details')
    expect(more?.open).toBe(false)
    expect(more?.querySelector('summary')?.textContent).toBe(
      'Filters and order Open and on hold · newest first',
    )
    await user.click(screen.getByText('Filters and order'))
    expect(more?.open).toBe(true)
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort' }), 'longest_waiting')
    expect(more?.querySelector('summary')?.textContent).toBe(
      'Filters and order Open and on hold · longest waiting first',
    )
    const last = () =>
      Object.fromEntries(calls.filter((c) => c.path.endsWith('/tickets')).at(-1)?.query ?? [])
    expect(last()).toEqual({
      limit: '50',
      status: 'open,on_hold',
      escalated: 'true',
      waiting: 'true',
      slaStatus: 'at_risk,breached',
      sort: 'longest_waiting',
    })
    // the tickets the filters hold in the store: none escalated, so none shows yet
    expect(screen.queryByRole('list', { name: 'Tickets' })).toBeNull()
    await user.click(screen.getByRole('checkbox', { name: 'Escalated' }))
    await user.click(screen.getByRole('checkbox', { name: 'SLA at risk or breached' }))
    await user.click(screen.getByRole('button', { name: 'Load more' }))
    expect(last()).toEqual({
      limit: '50',
      status: 'open,on_hold',
      waiting: 'true',
      sort: 'longest_waiting',
      cursor: 'c1',
    })
    const rows = within(screen.getByRole('list', { name: 'Tickets' })).getAllByRole('button')
    // longest waiting first, whatever order they came in
    expect(rows.map((r) => r.getAttribute('data-ticket-id'))).toEqual([id(1), id(2), id(3)])
  })

  it('[4.2.2] a ticket leaves the list live when it no longer matches its filters', async () => {
    server({
      [`GET ${base}/inboxes`]: noInboxes,
      [`GET ${base}/tickets`]: () =>
        page([ticket(1, { waitingSince: '2026-11-23T10:00:00.000Z', slaStatus: 'at_risk' })], null),
    })
    const { socket, fire } = fakeSocket()
    registerInboxEvents(socket)
    useFlare.setState({
      ticketFilter: { ...useFlare.getState().ticketFilter, waiting: true, slaAtRisk: true },
    })
    render(<TicketList />)
    await act(() => loadInbox())
    expect(screen.getByRole('button', { name: 'Subject 1' })).toBeTruthy()
    act(() =>
      fire('ticket:updated', {
        ...ticket(1, { slaStatus: 'on_track' }),
        updatedAt: '2026-11-23T10:04:00.000Z',
      }),
    )
    expect(screen.queryByRole('button', { name: 'Subject 1' })).toBeNull()
  })

  it('[4.2.2] names each row by its subject, clamped to two lines, and describes it with the rest', async () => {
    const subject = `Refund ${'for the order that never came '.repeat(7)}`.trim()
    server({
      [`GET ${base}/inboxes`]: noInboxes,
      [`GET ${base}/tickets`]: () =>
        page(
          [
            ticket(1, {
              subject,
              priority: 'urgent',
              waitingSince: '2026-11-23T10:00:00.000Z',
              preview: 'Where is my refund?',
            }),
          ],
          null,
        ),
    })
    render(<TicketList />)
    await act(() => loadInbox())
    const row = screen.getByRole('button', { name: subject })
    const description = (row.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((part) => document.getElementById(part)?.textContent)
    expect(description).toEqual([
      expect.stringMatching(/^OpenUrgent.*Priya Shah · unassigned.*Waiting 5m 00s$/),
      'Where is my refund?',
    ])
    const shown = within(row).getByText(subject)
    // all of it on hover; the list's style keeps it to two lines
    expect(shown.getAttribute('title')).toBe(subject)
    expect(shown.className).toBe('ticket-subject')
    const css = readFileSync(
      path.join(path.dirname(new URL(import.meta.url).pathname), 'inbox.css'),
      'utf8',
    )
    const rule = css.match(/\.ticket-row \.ticket-subject,?[^{]*\{([^}]*)\}/)?.[1] ?? ''
    expect(rule).toContain('-webkit-line-clamp: 2;')
    expect(rule).toContain('overflow: hidden;')
  })

  it('[4.2.2] keeps focus on "Load more" while it loads, then on the first ticket of the last page', async () => {
    const pending: Array<(a: Answer) => void> = []
    server({
      [`GET ${base}/inboxes`]: noInboxes,
      [`GET ${base}/tickets`]: (query) =>
        query.has('cursor')
          ? new Promise<Answer>((resolve) => pending.push(resolve))
          : page([ticket(9), ticket(8)], 'c1'),
    })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    render(<TicketList />)
    await act(() => loadInbox())
    const more = screen.getByRole('button', { name: 'Load more' })
    await user.click(more)
    const loading = screen.getByRole('button', { name: 'Loading…' })
    expect(loading).toBe(more)
    expect(document.activeElement).toBe(more)
    expect(more.hasAttribute('disabled')).toBe(false)
    expect(more.getAttribute('aria-disabled')).toBe('true')
    expect(more.getAttribute('aria-busy')).toBe('true')
    // pressing it again while it loads asks nothing more
    await user.keyboard('{Enter}')
    expect(pending).toHaveLength(1)

    await act(async () => pending[0]?.(page([ticket(7), ticket(6)], 'c2')))
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Load more' }))
    expect(more.getAttribute('aria-disabled')).toBe('false')

    await user.keyboard('{Enter}')
    await act(async () => pending[1]?.(page([ticket(5), ticket(4)], null)))
    expect(screen.queryByRole('button', { name: /Load more/ })).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Subject 5' }))
  })
})

describe('what a screen reader hears', () => {
  const customerWrites = (
    t: TicketDto,
    n: number,
    authorKind: 'customer' | 'staff' = 'customer',
  ) => {
    const message: TicketMessageDto = {
      id: id(500 + n),
      ticketId: t.id,
      authorKind,
      authorUserId: authorKind === 'staff' ? DANA : null,
      body: 'Any news?',
      internal: false,
      createdAt: '2026-11-23T10:05:00.000Z',
    }
    return { ticket: { ...t, updatedAt: `2026-11-23T10:05:0${n}.000Z` }, message }
  }

  it('[4.6] a customer writing on the open ticket, or on one assigned to you; nothing for the rest', async () => {
    const open = ticket(1, { subject: 'Card declined' })
    const mine = ticket(2, { subject: 'Change of address', assignedToUserId: DANA })
    const other = ticket(3, { subject: 'Elsewhere', assignedToUserId: U(2) })
    server({
      [`GET ${base}/inboxes`]: noInboxes,
      [`GET ${base}/tickets`]: () => page([open, mine, other], null),
      [`GET ${base}/tickets/${open.id}`]: () => ({
        status: 200,
        body: { ticket: open, messages: [] },
      }),
    })
    useFlare.setState({
      snapshot: {
        protocolVersion: 1,
        spaceId: SPACE,
        serverTime: '2026-11-23T10:05:00.000Z',
        you: DANA,
        rooms: [],
        escalations: [],
        members: [],
      },
    })
    const { socket, fire } = fakeSocket()
    registerInboxEvents(socket)
    await loadInbox()
    await openTicket(open.id)
    const heard: string[] = []
    const stop = useFlare.subscribe((s, before) => {
      if (s.announcement.seq !== before.announcement.seq) heard.push(s.announcement.text)
    })

    fire('ticket:message', customerWrites(open, 1))
    fire('ticket:message', customerWrites(mine, 2))
    fire('ticket:message', customerWrites(other, 3))
    fire('ticket:message', customerWrites(open, 4, 'staff'))
    stop()
    expect(heard).toEqual([
      'Priya Shah wrote on this ticket.',
      'Priya Shah wrote on your ticket: Change of address',
    ])
  })
})
