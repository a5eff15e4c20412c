import { act, render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { useFlare } from '../store/index.js'
import { ChatUnreadBadge } from './ChatUnreadBadge.js'
import { emptyThread } from './chat-state.js'

describe('the Chat tab badge', () => {
  it('[2.3.2] counts unread messages, led by an @ when one mentions you', () => {
    act(() => useFlare.setState({ chatThreads: {} }))
    const { container } = render(<ChatUnreadBadge />)
    expect(container.textContent).toBe('')
    act(() =>
      useFlare.setState({
        chatThreads: { space: { ...emptyThread('space', null), unread: 3 } },
      }),
    )
    expect(container.textContent).toBe('3 unread')
    act(() =>
      useFlare.setState({
        chatThreads: { space: { ...emptyThread('space', null), unread: 4, mentioned: true } },
      }),
    )
    expect(container.textContent).toBe('@ 4 unread, one mentions you')
  })
})
