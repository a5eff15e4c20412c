import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_POLICY, retryDelayMs, shouldGiveUp } from './backoff.js'
import { isPrivateAddress, retryAfterMs } from './outbound-http.js'

const policy = DEFAULT_RETRY_POLICY

describe('retry policy', () => {
  it('[7.1] doubles from a second, never past a minute, jittered between half and all', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy, n, null, () => 1))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ])
    expect(retryDelayMs(policy, 3, null, () => 0)).toBe(2_000)
    for (let attempts = 1; attempts <= 60; attempts += 1) {
      expect(retryDelayMs(policy, attempts, null, Math.random)).toBeLessThanOrEqual(60_000)
    }
  })

  it('[7.1] honours Retry-After, up to its own cap', () => {
    expect(retryDelayMs(policy, 1, 30_000, () => 1)).toBe(30_000)
    expect(retryDelayMs(policy, 1, 24 * 3_600_000, () => 1)).toBe(policy.maxRetryAfterMs)
    // a Retry-After shorter than the backoff does not hurry it
    expect(retryDelayMs(policy, 7, 1_000, () => 1)).toBe(60_000)
  })

  it('[7.1] gives up after the attempts or the age', () => {
    const queued = new Date('2026-01-01T00:00:00Z')
    expect(shouldGiveUp(policy, 3, queued, new Date('2026-01-01T00:01:00Z'))).toBe(false)
    expect(shouldGiveUp(policy, policy.maxAttempts, queued, queued)).toBe(true)
    expect(shouldGiveUp(policy, 3, queued, new Date('2026-01-01T07:00:00Z'))).toBe(true)
  })

  it('[7.1] reads Retry-After as seconds or as a date', () => {
    const now = new Date('2026-01-01T00:00:00Z')
    expect(retryAfterMs('120', now)).toBe(120_000)
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(retryAfterMs(undefined, now)).toBeNull()
    expect(retryAfterMs('soon', now)).toBeNull()
  })
})

describe('private addresses', () => {
  it('[12.5] refuses loopback, private, link-local and mapped addresses; allows public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.8',
      '172.20.1.1',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true)
    }
    for (const address of ['93.184.216.34', '2606:2800:220:1::1', '::ffff:93.184.216.34']) {
      expect(isPrivateAddress(address), address).toBe(false)
    }
  })
})
