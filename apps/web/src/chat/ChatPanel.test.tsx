import { act, render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SidePanel } from '../components/SidePanel.js'
import { useFlare } from '../store/index.js'
import { ChatPanel } from './ChatPanel.js'
import { openDirectChat, receiveChatMessage } from './chat-actions.js'
import {
  asDana,
  DANA,
  DM_ELI,
  ELI,
  fakeServer,
  message,
  messagesUrl,
  TIER1,
  threadsUrl,
} from './chat-fixtures.js'

// A socket we control: it records what the actions request and lets the test answer the acks.
const fake = vi.hoisted(() => ({
  emitted: [] as Array<{ event: string; payload: unknown; ack: (result: unknown) => void }>,
}))
vi.mock('../socket.js', () => ({
  request: (event: string, payload: unknown) =>
    new Promise((ack) => fake.emitted.push({ event, payload, ack })),
}))

beforeEach(() => {
  fake.emitted.length = 0
  asDana()
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

const spaceLast = message({ body: 'Queue is long' })
const eliLast = message({ body: 'Got a sec?', kind: 'direct', threadKey: DM_ELI })

function twoThreads() {
  return {
    [threadsUrl()]: () => ({
      status: 200,
      body: {
        threads: [
          {
            threadKey: 'space',
            kind: 'space',
            otherUserId: null,
            unread: 2,
            lastMessage: spaceLast,
          },
          { threadKey: DM_ELI, kind: 'direct', otherUserId: ELI, unread: 1, lastMessage: eliLast },
        ],
      },
    }),
  }
}

describe('ChatPanel', () => {
  it('[2] lists the threads with unread badges, and opening one loads its history and clears its count', async () => {
    const older = message({ body: 'Hi Dana', kind: 'direct', threadKey: DM_ELI })
    fakeServer({
      ...twoThreads(),
      [messagesUrl(DM_ELI)]: () => ({
        status: 200,
        body: { messages: [older, { ...eliLast }], nextCursor: null },
      }),
    })
    useFlare.setState({ sidePanelTab: 'chat' })
    const user = userEvent.setup()
    render(<ChatPanel />)
    expect(screen.getByText('Loading chats…')).toBeTruthy()

    const everyone = await screen.findByRole('button', { name: /# Everyone\s*2 unread/ })
    expect(everyone.textContent).toContain('Eli Novak: Queue is long')
    const eli = screen.getByRole('button', { name: /Eli Novak\s*1 unread/ })

    await user.click(eli)
    expect(await screen.findByRole('heading', { name: 'Eli Novak' })).toBeTruthy()
    const list = await screen.findByRole('log', { name: 'Messages with Eli Novak' })
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([expect.stringContaining('Hi Dana'), expect.stringContaining('Got a sec?')])
    expect(useFlare.getState().chatThreads[DM_ELI]?.unread).toBe(0)
    expect(fake.emitted).toEqual([
      { event: 'chat:read', payload: { threadKey: DM_ELI }, ack: expect.any(Function) },
    ])
    // the composer is ready to write in
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Message Eli Novak' }))

    await user.click(screen.getByRole('button', { name: '← Chats' }))
    expect(screen.getByRole('button', { name: /^Eli Novak/ }).textContent).not.toContain('unread')
    expect(screen.getByRole('button', { name: /^# Everyone 2 unread/ })).toBeTruthy()
  })

  it('[2] a thread whose last message is yours says You, as the thread does', async () => {
    const mine = message({ body: 'On my way', authorId: DANA, authorName: 'Dana Reyes' })
    fakeServer({
      [threadsUrl()]: () => ({
        status: 200,
        body: {
          threads: [
            { threadKey: 'space', kind: 'space', otherUserId: null, unread: 0, lastMessage: mine },
          ],
        },
      }),
    })
    render(<ChatPanel />)
    const everyone = await screen.findByRole('button', { name: /# Everyone/ })
    expect(everyone.textContent).toContain('You: On my way')
    expect(everyone.textContent).not.toContain('Dana Reyes')
  })

  it('[2] pages backwards with "Load earlier", newest page first', async () => {
    const oldest = message({ body: 'first ever' })
    const middle = message({ body: 'second' })
    const newest = message({ body: 'latest' })
    const calls = fakeServer({
      ...twoThreads(),
      [messagesUrl('space')]: () => ({
        status: 200,
        body: { messages: [middle, newest], nextCursor: 'cursor-1' },
      }),
      [messagesUrl('space', 'cursor-1')]: () => ({
        status: 200,
        body: { messages: [oldest], nextCursor: null },
      }),
    })
    useFlare.setState({ sidePanelTab: 'chat', chatOpenThread: 'space' })
    const user = userEvent.setup()
    render(<ChatPanel />)
    await screen.findByText('latest')
    await user.click(screen.getByRole('button', { name: 'Load earlier' }))
    await screen.findByText('first ever')
    const list = screen.getByRole('log', { name: 'Messages with Everyone' })
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('p')?.textContent),
    ).toEqual(['first ever', 'second', 'latest'])
    expect(screen.queryByRole('button', { name: 'Load earlier' })).toBeNull()
    expect(calls).toContain(messagesUrl('space', 'cursor-1'))
  })

  it('says so when a thread is empty, and when the chats cannot be loaded offers to try again', async () => {
    let fail = true
    fakeServer({
      [threadsUrl()]: () =>
        fail
          ? { status: 500, body: { error: { code: 'INTERNAL', message: 'Chat is down.' } } }
          : { status: 200, body: { threads: [] } },
      [messagesUrl('space')]: () => ({ status: 200, body: { messages: [], nextCursor: null } }),
    })
    const user = userEvent.setup()
    render(<ChatPanel />)
    expect((await screen.findByRole('alert')).textContent).toContain('Chat is down.')
    fail = false
    await user.click(screen.getByRole('button', { name: 'Try again' }))
    await user.click(await screen.findByRole('button', { name: /# Everyone/ }))
    expect(await screen.findByText(/No messages yet\. Say hello to everyone\./)).toBeTruthy()
  })

  it('[2] sends with an @group mention picked from the autocomplete, and shows the message', async () => {
    fakeServer({
      ...twoThreads(),
      [messagesUrl('space')]: () => ({ status: 200, body: { messages: [], nextCursor: null } }),
    })
    useFlare.setState({ sidePanelTab: 'chat', chatOpenThread: 'space' })
    const user = userEvent.setup()
    render(<ChatPanel />)
    const input = (await screen.findByRole('textbox', {
      name: 'Message Everyone',
    })) as HTMLTextAreaElement
    await screen.findByText(/No messages yet/)
    await user.type(input, 'Hi @ti')
    const options = screen.getAllByRole('option')
    expect(options[0]?.textContent).toContain('Tier 1 support')
    await user.keyboard('{Enter}')
    expect(input.value).toBe('Hi @tier1 ')
    await user.type(input, 'please help{Enter}')
    const send = fake.emitted.find((e) => e.event === 'chat:send')
    expect(send?.payload).toEqual({
      to: { kind: 'space' },
      body: 'Hi @tier1 please help',
      mentions: { userIds: [], groupIds: [TIER1] },
    })
    const sent = message({
      body: 'Hi @tier1 please help',
      authorId: DANA,
      authorName: 'Dana Reyes',
      mentions: { userIds: [], groupIds: [TIER1] },
    })
    await act(async () => send?.ack({ ok: true, message: sent }))
    expect(input.value).toBe('')
    const list = screen.getByRole('log', { name: 'Messages with Everyone' })
    expect(within(list).getByText('You')).toBeTruthy()
    expect(within(list).getByText('@tier1').tagName).toBe('STRONG')
  })

  it('keeps a refused message in the composer with the reason, and never sends an oversized one', async () => {
    fakeServer({
      ...twoThreads(),
      [messagesUrl(DM_ELI)]: () => ({ status: 200, body: { messages: [], nextCursor: null } }),
    })
    useFlare.setState({ sidePanelTab: 'chat', chatOpenThread: DM_ELI })
    const user = userEvent.setup()
    render(<ChatPanel />)
    const input = (await screen.findByRole('textbox', {
      name: 'Message Eli Novak',
    })) as HTMLTextAreaElement
    await user.type(input, 'hello{Enter}')
    const send = fake.emitted.find((e) => e.event === 'chat:send')
    expect(send?.payload).toMatchObject({ to: { kind: 'direct', userId: ELI }, body: 'hello' })
    await act(async () =>
      send?.ack({
        ok: false,
        error: { code: 'NOT_FOUND', message: 'That person is not in this space.' },
      }),
    )
    expect(screen.getByRole('alert').textContent).toBe('That person is not in this space.')
    expect(input.value).toBe('hello')

    fake.emitted.length = 0
    await user.clear(input)
    await user.click(input)
    await user.paste('x'.repeat(2001))
    await user.keyboard('{Enter}')
    expect(screen.getByRole('alert').textContent).toMatch(/at most 2000 characters/)
    expect(screen.getByText('2001 / 2000')).toBeTruthy()
    expect(fake.emitted.filter((e) => e.event === 'chat:send')).toEqual([])
    expect(input.value).toHaveLength(2001)
  })

  it('[3] openDirectChat brings the chat forward in the side panel with that person', async () => {
    fakeServer({
      ...twoThreads(),
      [messagesUrl(DM_ELI)]: () => ({
        status: 200,
        body: { messages: [eliLast], nextCursor: null },
      }),
    })
    render(<SidePanel />)
    expect(screen.getByRole('tab', { name: /^Hands/ }).getAttribute('aria-selected')).toBe('true')
    act(() => openDirectChat(ELI))
    expect(screen.getByRole('tab', { name: /Chat/ }).getAttribute('aria-selected')).toBe('true')
    expect(await screen.findByRole('heading', { name: 'Eli Novak' })).toBeTruthy()
    expect(await screen.findByText('Got a sec?')).toBeTruthy()
  })

  it('[2] counts a message in a thread not being read, and announces a mention of my group', async () => {
    fakeServer(twoThreads())
    render(<SidePanel />)
    act(() =>
      receiveChatMessage(
        message({
          body: '@tier1 who can take a call?',
          mentions: { userIds: [], groupIds: [TIER1] },
        }),
      ),
    )
    expect(useFlare.getState().chatThreads.space?.unread).toBe(1)
    expect(screen.getByRole('tab', { name: /Chat\s*1 unread/ })).toBeTruthy()
    expect(useFlare.getState().announcement.text).toBe(
      'Eli Novak mentioned you in the space channel: @tier1 who can take a call?',
    )
    // a message that does not mention me is counted, not announced
    const seq = useFlare.getState().announcement.seq
    act(() => receiveChatMessage(message({ body: 'lunch?' })))
    expect(useFlare.getState().announcement.seq).toBe(seq)
    expect(useFlare.getState().chatThreads.space?.unread).toBe(2)
  })

  it('[2.3.1] keeps a half-written message per thread, back in the list and in another thread, until it is sent', async () => {
    fakeServer({
      ...twoThreads(),
      [messagesUrl(DM_ELI)]: () => ({ status: 200, body: { messages: [], nextCursor: null } }),
      [messagesUrl('space')]: () => ({ status: 200, body: { messages: [], nextCursor: null } }),
    })
    useFlare.setState({ sidePanelTab: 'chat' })
    const user = userEvent.setup()
    render(<ChatPanel />)
    await user.click(await screen.findByRole('button', { name: /^Eli Novak/ }))
    await user.type(await screen.findByRole('textbox', { name: 'Message Eli Novak' }), 'ask @ti')
    await user.keyboard('{Enter}half a')

    await user.click(screen.getByRole('button', { name: '← Chats' }))
    expect(screen.getByRole('button', { name: 'Eli Novak Draft' })).toBeTruthy()
    expect(screen.getByRole('button', { name: /^# Everyone/ }).textContent).not.toContain('Draft')

    // another thread has its own (empty) composer, and switching straight back finds the draft
    await user.click(screen.getByRole('button', { name: /^# Everyone/ }))
    const everyone = (await screen.findByRole('textbox', {
      name: 'Message Everyone',
    })) as HTMLTextAreaElement
    expect(everyone.value).toBe('')
    await user.type(everyone, 'hello all')
    act(() => openDirectChat(ELI))
    const eli = (await screen.findByRole('textbox', {
      name: 'Message Eli Novak',
    })) as HTMLTextAreaElement
    expect(eli.value).toBe('ask @tier1 half a')

    // sent, with the mention picked before leaving: the draft goes, the other thread's stays
    await user.click(eli)
    await user.keyboard('{Enter}')
    const send = fake.emitted.find((e) => e.event === 'chat:send')
    expect(send?.payload).toEqual({
      to: { kind: 'direct', userId: ELI },
      body: 'ask @tier1 half a',
      mentions: { userIds: [], groupIds: [TIER1] },
    })
    const sent = message({
      body: 'ask @tier1 half a',
      kind: 'direct',
      threadKey: DM_ELI,
      authorId: DANA,
      authorName: 'Dana Reyes',
      mentions: { userIds: [], groupIds: [TIER1] },
    })
    await act(async () => send?.ack({ ok: true, message: sent }))
    expect(eli.value).toBe('')
    await user.click(screen.getByRole('button', { name: '← Chats' }))
    expect(screen.getByRole('button', { name: /^Eli Novak/ }).textContent).not.toContain('Draft')
    expect(screen.getByRole('button', { name: /^# Everyone.*Draft$/ })).toBeTruthy()
  })

  it('[2.3.3] the composer grows with its text; Shift+Enter starts a new line and Enter sends', async () => {
    fakeServer({
      ...twoThreads(),
      [messagesUrl('space')]: () => ({ status: 200, body: { messages: [], nextCursor: null } }),
    })
    vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockImplementation(function (
      this: HTMLElement,
    ) {
      return this instanceof HTMLTextAreaElement ? 20 * this.value.split('\n').length : 0
    })
    useFlare.setState({ sidePanelTab: 'chat', chatOpenThread: 'space' })
    const user = userEvent.setup()
    render(<ChatPanel />)
    const input = (await screen.findByRole('textbox', {
      name: 'Message Everyone',
    })) as HTMLTextAreaElement
    expect(input.tagName).toBe('TEXTAREA')
    await user.type(input, 'line one{Shift>}{Enter}{/Shift}line two')
    expect(input.value).toBe('line one\nline two')
    expect(input.style.height).toBe('40px')
    expect(fake.emitted.filter((e) => e.event === 'chat:send')).toEqual([])
    await user.keyboard('{Enter}')
    expect(fake.emitted.find((e) => e.event === 'chat:send')?.payload).toMatchObject({
      body: 'line one\nline two',
    })
  })

  it('[2.3.4] the open thread is a log that reads what arrives, not the history it opens with', async () => {
    const older = message({ body: 'earlier one' })
    fakeServer({
      ...twoThreads(),
      [messagesUrl('space')]: () => ({
        status: 200,
        body: { messages: [spaceLast], nextCursor: 'cursor-1' },
      }),
      [messagesUrl('space', 'cursor-1')]: () => ({
        status: 200,
        body: { messages: [older], nextCursor: null },
      }),
    })
    useFlare.setState({ sidePanelTab: 'chat', chatOpenThread: 'space' })
    const user = userEvent.setup()
    render(<ChatPanel />)
    await screen.findByText('Load earlier')
    const log = screen.getByRole('log', { name: 'Messages with Everyone' })
    expect(log.getAttribute('aria-live')).toBe('polite')
    expect(log.textContent).toContain('Queue is long')

    // a message that arrives is added to this same log, so it is read out; no second
    // announcement of a mention, which the log reads already
    const seq = useFlare.getState().announcement.seq
    act(() =>
      receiveChatMessage(
        message({
          body: '@dana.reyes are you there?',
          mentions: { userIds: [DANA], groupIds: [] },
        }),
      ),
    )
    expect(screen.getByRole('log', { name: 'Messages with Everyone' })).toBe(log)
    expect(log.textContent).toContain('are you there?')
    expect(useFlare.getState().announcement.seq).toBe(seq)

    // older messages come in a new log, which reads nothing of what it starts with
    await user.click(screen.getByRole('button', { name: 'Load earlier' }))
    await screen.findByText('earlier one')
    const after = screen.getByRole('log', { name: 'Messages with Everyone' })
    expect(after).not.toBe(log)
    expect(after.textContent).toContain('are you there?')
  })
})
