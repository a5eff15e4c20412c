import { act, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { ChatThreadView } from './ChatThreadView.js'
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
    const list = screen.getByRole('list', { name: /Messages with/ })
    // the older messages land above it: where the list was scrolled is now the oldest
    list.scrollTop = 0
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
    expect(list.scrollTop).toBe(1_000)
  })
})
