import type { ChatMessageDto } from '@flare/protocol'
import { act, cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { ChatThreadView } from './ChatThreadView.js'
import { openChatThread, receiveChatMessage } from './chat-actions.js'
import { chatApi } from './chat-api.js'
import { asDana, DANA, message } from './chat-fixtures.js'
import { emptyThread } from './chat-state.js'

vi.mock('../socket.js', () => ({ request: async () => ({ ok: true }) }))

beforeEach(() => asDana())
afterEach(() => vi.restoreAllMocks())

describe('ChatThreadView', () => {
  it('[2] opens at the newest message when the history arrives under a message already shown', () => {
    vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockReturnValue(1_000)
    const live = message({ body: 'Newest, arrived live' })
    // a message that came in live, before the thread's history was read
    act(() =>
      useFlare.setState({
        chatThreads: {
          space: { ...emptyThread('space', DANA), messages: [live], history: 'loading' },
        },
      }),
    )
    render(<ChatThreadView threadKey="space" />)
    const box = screen.getByRole('log', { name: /Messages with/ }).parentElement
    if (!box) throw new Error('the messages scroll in a box')
    // the older messages land above it: where the list was scrolled is now the oldest
    box.scrollTop = 0
    const older = [message({ body: 'First' }), message({ body: 'Second' })]
    act(() =>
      useFlare.setState({
        chatThreads: {
          space: {
            ...emptyThread('space', DANA),
            messages: [...older, live],
            history: 'ready',
          },
        },
      }),
    )
    expect(box.scrollTop).toBe(1_000)
  })

  it('[2.3.3] opens at the first unread message under a "New messages" divider, and stays there as more arrive', async () => {
    vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockReturnValue(1_000)
    vi.spyOn(HTMLElement.prototype, 'offsetTop', 'get').mockImplementation(function (
      this: HTMLElement,
    ) {
      return this.classList.contains('first-unread') ? 600 : 0
    })
    const read = message({ body: 'Read already' })
    const mine = message({ body: 'My answer', authorId: DANA, authorName: 'Dana Reyes' })
    const firstNew = message({ body: 'First new' })
    const secondNew = message({ body: 'Second new' })
    useFlare.setState({
      sidePanelTab: 'chat',
      chatThreads: {
        space: {
          ...emptyThread('space', DANA),
          unread: 2,
          messages: [read, mine, firstNew, secondNew],
          history: 'ready',
        },
      },
    })
    act(() => openChatThread('space'))
    expect(useFlare.getState().chatThreads.space?.unread).toBe(0)
    render(<ChatThreadView threadKey="space" />)
    const items = within(screen.getByRole('log')).getAllByRole('listitem')
    expect(items.map((li) => li.textContent?.includes('New messages'))).toEqual([
      false,
      false,
      true,
      false,
    ])
    expect(items[2]?.textContent).toContain('First new')
    const box = screen.getByRole('log').parentElement
    if (!box) throw new Error('the messages scroll in a box')
    expect(box.scrollTop).toBe(592)

    // someone else writes: the reader stays where they are reading
    act(() => receiveChatMessage(message({ body: 'Third new' })))
    expect(box.scrollTop).toBe(592)
    // the reader writes: their message comes into view
    act(() =>
      receiveChatMessage(message({ body: 'On it', authorId: DANA, authorName: 'Dana Reyes' })),
    )
    expect(box.scrollTop).toBe(1_000)
  })

  it('[2.3.3] places the divider once the history arrives, and opens a read thread at its end', async () => {
    vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockReturnValue(1_000)
    const last = message({ body: 'Last one' })
    useFlare.setState({
      sidePanelTab: 'chat',
      chatThreads: { space: { ...emptyThread('space', DANA), unread: 2, messages: [last] } },
    })
    let answer: (page: { messages: ChatMessageDto[]; nextCursor: null }) => void = () => {}
    vi.spyOn(chatApi, 'messages').mockImplementation(
      () =>
        new Promise((resolve) => {
          answer = resolve
        }),
    )
    act(() => openChatThread('space'))
    render(<ChatThreadView threadKey="space" />)
    expect(screen.queryByText('New messages')).toBeNull()
    const before = message({ body: 'Before' })
    const first = message({ body: 'Came while away' })
    await act(async () => answer({ messages: [before, first, last], nextCursor: null }))
    const divided = screen.getByText('New messages').closest('li')
    expect(divided?.textContent).toContain('Came while away')

    // opened again with nothing unread: no divider, at the newest message
    cleanup()
    act(() => openChatThread('space'))
    render(<ChatThreadView threadKey="space" />)
    expect(screen.queryByText('New messages')).toBeNull()
    expect(screen.getByRole('log').parentElement?.scrollTop).toBe(1_000)
  })
})
