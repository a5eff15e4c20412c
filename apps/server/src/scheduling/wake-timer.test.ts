import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createWakeTimer } from './wake-timer.js'

const log = pino({ level: 'silent' })
const clock = () => new Date()

describe('createWakeTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-02T09:00:00Z') })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('[6.4] sleeps until the earliest due instant and costs nothing while idle', async () => {
    let due: Date | null = new Date(Date.now() + 5_000)
    const runs: number[] = []
    const timer = createWakeTimer({
      name: 'test',
      clock,
      log,
      earliest: async () => due,
      run: async () => {
        runs.push(Date.now())
        if (due && due.getTime() <= Date.now()) {
          due = null
          return true
        }
        return false
      },
      pollMs: 60_000,
    })
    await timer.start()
    expect(runs).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(4_999)
    expect(runs).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(runs).toHaveLength(2)
    // nothing due: only the poll wakes it
    await vi.advanceTimersByTimeAsync(59_000)
    expect(runs).toHaveLength(2)
    await timer.stop()
  })

  it('[6.4] a wake for a sooner instant brings the run forward; one while running is kept', async () => {
    const gate: { release: () => void } = { release: () => {} }
    let calls = 0
    const timer = createWakeTimer({
      name: 'test',
      clock,
      log,
      earliest: async () => null,
      run: async () => {
        calls += 1
        if (calls === 2) await new Promise<void>((resolve) => (gate.release = resolve))
        return true
      },
    })
    await timer.start()
    timer.wake(new Date(Date.now() + 1_000))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(calls).toBe(2)
    // the second run is in progress: a wake now must not be lost when it arms for the poll
    timer.wake(new Date(Date.now() + 2_000))
    gate.release()
    await vi.advanceTimersByTimeAsync(2_000)
    expect(calls).toBe(3)
    await timer.stop()
  })

  it('[12.2] retries after 1 s, doubling to at most 30 s, and is woken early when told the database is back', async () => {
    let failing = true
    const attempts: number[] = []
    const start = Date.now()
    const timer = createWakeTimer({
      name: 'test',
      clock,
      log,
      earliest: async () => null,
      run: async () => {
        attempts.push(Date.now() - start)
        if (failing) throw new Error('connection refused')
        return false
      },
    })
    await timer.start()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(attempts.slice(0, 7)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000])
    expect(attempts[7]).toBe(91_000)
    expect(timer.stats().failures).toBe(attempts.length)
    failing = false
    timer.wake()
    await vi.advanceTimersByTimeAsync(0)
    expect(attempts.at(-1)).toBe(120_000)
    await timer.stop()
  })

  it('[6.4] backs off instead of spinning while due work is locked by another transaction', async () => {
    let runs = 0
    const timer = createWakeTimer({
      name: 'test',
      clock,
      log,
      // always due, never claimable
      earliest: async () => new Date(Date.now() - 1_000),
      run: async () => {
        runs += 1
        return false
      },
    })
    await timer.start()
    await vi.advanceTimersByTimeAsync(10_000)
    // 100, 200, 400, 800 ms, then every second: about 14 runs in 10 s, not thousands
    expect(runs).toBeLessThan(20)
    expect(runs).toBeGreaterThan(8)
    expect(timer.stats().busy).toBe(runs)
    await timer.stop()
  })

  it('[6.4] a busy run backs off, but still wakes for an unlocked instant due sooner', async () => {
    const runs: number[] = []
    const start = Date.now()
    const timer = createWakeTimer({
      name: 'test',
      clock,
      log,
      run: async () => {
        runs.push(Date.now() - start)
        // locked rows are due; the next unlocked one is due at 2.2 s
        return { handled: false, busy: true, next: new Date(start + 2_200) }
      },
    })
    await timer.start()
    await vi.advanceTimersByTimeAsync(3_000)
    expect(runs).toEqual([0, 100, 300, 700, 1_500, 2_200])
    await timer.stop()
  })
})
