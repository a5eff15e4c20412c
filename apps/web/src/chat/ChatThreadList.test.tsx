import { act, render, screen } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { ChatPanel } from './ChatPanel.js'
import { receiveChatMessage } from './chat-actions.js'
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

vi.mock('../socket.js', () => ({ request: async () => ({ ok: true }) }))

beforeEach(() => asDana())
afterEach(() => vi.unstubAllGlobals())

const long = message({ body: `${'Queue is long. '.repeat(134)}Help!` })

function threads(...list: Array<Record<string, unknown>>) {
  return { [threadsUrl()]: () => ({ status: 200, body: { threads: list } }) }
}

describe('the list of chats', () => {
  it('[2.3.2] names a thread by its thread and unread count; its last message, shortened, describes it', async () => {
    expect(long.body.length).toBeGreaterThan(2_000)
    fakeServer(
      threads({
        threadKey: 'space',
        kind: 'space',
        otherUserId: null,
        unread: 2,
        lastMessage: long,
      }),
    )
    render(<ChatPanel />)
    const everyone = await screen.findByRole('button', {
      name: '# Everyone 2 unread',
      description: /^Eli Novak: Queue is long\. Queue is long\..*…$/,
    })
    const description = everyone.getAttribute('aria-describedby') ?? ''
    const preview = document.getElementById(description)?.textContent ?? ''
    expect(preview.length).toBeLessThanOrEqual('Eli Novak: '.length + 81)
  })

  it('[2.3.2] marks a thread where an unread message mentions you, and the mark goes once read', async () => {
    const mention = message({
      body: '@tier1 who can take a call?',
      mentions: { userIds: [], groupIds: [TIER1] },
    })
    fakeServer({
      ...threads(
        { threadKey: 'space', kind: 'space', otherUserId: null, unread: 1, lastMessage: mention },
        { threadKey: DM_ELI, kind: 'direct', otherUserId: ELI, unread: 0, lastMessage: null },
      ),
      [messagesUrl('space')]: () => ({
        status: 200,
        body: { messages: [mention], nextCursor: null },
      }),
      [messagesUrl(DM_ELI)]: () => ({ status: 200, body: { messages: [], nextCursor: null } }),
    })
    useFlare.setState({ sidePanelTab: 'chat' })
    const user = userEvent.setup()
    render(<ChatPanel />)
    expect(
      await screen.findByRole('button', { name: '# Everyone mentions you 1 unread' }),
    ).toBeTruthy()
    expect(screen.getByText('@', { selector: '[aria-hidden]' })).toBeTruthy()

    // a message to Eli's thread that only talks counts, and is no mention
    act(() => receiveChatMessage(message({ body: 'lunch?', kind: 'direct', threadKey: DM_ELI })))
    expect(screen.getByRole('button', { name: 'Eli Novak 1 unread' })).toBeTruthy()
    // and one that names me is
    act(() =>
      receiveChatMessage(
        message({
          body: '@dana.reyes can you?',
          kind: 'direct',
          threadKey: DM_ELI,
          mentions: { userIds: [DANA], groupIds: [] },
        }),
      ),
    )
    expect(screen.getByRole('button', { name: 'Eli Novak mentions you 2 unread' })).toBeTruthy()

    await user.click(screen.getByRole('button', { name: /^# Everyone/ }))
    await user.click(await screen.findByRole('button', { name: '← Chats' }))
    expect(screen.getByRole('button', { name: '# Everyone' })).toBeTruthy()
  })

  it('[2.3.1] marks a thread that has a draft', async () => {
    fakeServer(
      threads({
        threadKey: 'space',
        kind: 'space',
        otherUserId: null,
        unread: 0,
        lastMessage: null,
      }),
    )
    useFlare.setState({ chatDrafts: { space: { body: 'half a thought', picked: [] } } })
    render(<ChatPanel />)
    const everyone = await screen.findByRole('button', { name: '# Everyone Draft' })
    expect(everyone.textContent).toContain('No messages yet')
  })
})
