import type { WallboardMessage } from '@flare/protocol/client'
import { act, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { WallboardPage, waitParts } from './WallboardPage.js'

/** A WebSocket the test drives: it opens, speaks and drops when told to. */
class FakeWebSocket {
  static all: FakeWebSocket[] = []
  onopen: (() => void) | null = null
  onmessage: ((event: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  sent: string[] = []
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this)
  }
  send(data: string) {
    this.sent.push(data)
  }
  close() {
    this.onclose?.()
  }
  /** Opens and receives `counts` from the server. */
  receive(message: WallboardMessage) {
    act(() => {
      this.onopen?.()
      this.onmessage?.({ data: JSON.stringify(message) })
    })
  }
  drop() {
    act(() => this.onclose?.())
  }
}

const AT = new Date('2026-12-03T14:32:00.000Z')

/** The counts at `serverTime`, the longest waiting customer there for `waitedMin` minutes. */
function counts(serverTime: Date, waitedMin = 16): WallboardMessage {
  return {
    type: 'counts',
    board: { name: 'Floor TV', spaceName: 'Contact Center' },
    serverTime: serverTime.toISOString(),
    counts: {
      waiting: 8,
      atRisk: 0,
      breached: 0,
      escalated: 2,
      hands: 1,
      oldestWaitingSince: new Date(serverTime.getTime() - waitedMin * 60_000).toISOString(),
    },
  }
}

function longestWait(): string {
  const label = screen.getByText('Longest wait')
  return label.nextElementSibling?.textContent ?? ''
}

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['Date', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  })
  vi.setSystemTime(AT)
  FakeWebSocket.all = []
  vi.stubGlobal('WebSocket', FakeWebSocket)
  window.location.hash = '#flw_0123456789abcdef'
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  window.location.hash = ''
})

describe('the wallboard', () => {
  it('[8.5] shows the longest wait as a duration with its unit', () => {
    const text = (ms: number) =>
      waitParts(ms)
        .map((p) => p.value)
        .join('')
    expect(text(30_000)).toBe('< 1 min')
    expect(text(16 * 60_000 + 4_000)).toBe('16 min')
    expect(text(65 * 60_000)).toBe('1 hr 05 min')
    expect(text(29 * 3_600_000)).toBe('1 day 5 hr')
    // the number is its own part, drawn larger than its unit
    expect(waitParts(16 * 60_000).filter((p) => p.number)).toEqual([{ value: '16', number: true }])
  })

  it('[8.5] live: ticks and says when it was updated; lost: greys, stops and says so across the room', () => {
    const view = render(<WallboardPage />)
    const first = FakeWebSocket.all[0]!
    first.receive(counts(AT))
    expect(screen.getByRole('status').textContent).toBe('Live')
    expect(screen.getByText(`Updated ${clock.format(AT)}`)).toBeTruthy()
    expect(longestWait()).toBe('16 min')
    act(() => vi.advanceTimersByTime(60_000))
    expect(longestWait()).toBe('17 min')

    first.drop()
    const banner = screen.getByRole('alert')
    expect(banner.textContent).toBe(
      `Connection lost — numbers from ${clock.format(AT)}, reconnecting…`,
    )
    expect(view.container.querySelector('.board-tiles')?.className).toContain('board-stale')
    expect(screen.queryByText(/^Updated/)).toBeNull()
    // stale numbers stand still, however long the server stays away
    act(() => vi.advanceTimersByTime(10 * 60_000))
    expect(longestWait()).toBe('17 min')
    expect(screen.getByRole('alert').textContent).toContain(clock.format(AT))

    // the retries found the server again: live, bright and ticking from the new counts
    const again = FakeWebSocket.all.at(-1)!
    expect(again).not.toBe(first)
    const back = new Date(Date.now())
    again.receive(counts(back))
    expect(screen.queryByRole('alert')).toBeNull()
    expect(view.container.querySelector('.board-tiles')?.className).not.toContain('board-stale')
    expect(screen.getByText(`Updated ${clock.format(back)}`)).toBeTruthy()
    expect(longestWait()).toBe('16 min')
    act(() => vi.advanceTimersByTime(60_000))
    expect(longestWait()).toBe('17 min')
  })

  it('[8.5.5] a connection that goes silent past 75 s is taken for dead: the board says so and reconnects', () => {
    render(<WallboardPage />)
    const first = FakeWebSocket.all[0]!
    first.receive(counts(AT))
    // the server's keep-alive every 30 s keeps it live
    act(() => vi.advanceTimersByTime(30_000))
    act(() => first.onmessage?.({ data: JSON.stringify(counts(new Date(Date.now()))) }))
    act(() => vi.advanceTimersByTime(60_000))
    expect(screen.queryByRole('alert')).toBeNull()
    expect(FakeWebSocket.all).toHaveLength(1)
    // then nothing, not even a close: after 75 s of silence it is lost and tried again
    act(() => vi.advanceTimersByTime(15_000))
    expect(screen.getByRole('alert').textContent).toMatch(/^Connection lost/)
    act(() => vi.advanceTimersByTime(1_000))
    expect(FakeWebSocket.all).toHaveLength(2)
    // the old connection, should it speak after all, is not listened to
    expect(first.onmessage).toBeNull()
  })

  it('[8.5] keeps every tile’s label level: a wait with two units is smaller in a line as tall', () => {
    render(<WallboardPage />)
    FakeWebSocket.all[0]!.receive(counts(AT, 92))
    expect(longestWait()).toBe('1 hr 32 min')
    expect(screen.getByText('Longest wait').nextElementSibling?.className).toBe(
      'board-value board-value-long',
    )
  })
})
