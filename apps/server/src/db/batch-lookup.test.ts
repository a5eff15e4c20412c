import { describe, expect, it } from 'vitest'
import { createBatchLookup } from './batch-lookup.js'

describe('createBatchLookup', () => {
  it('[2.5.1] answers every lookup asked in one turn from one load of the distinct keys', async () => {
    const loads: string[][] = []
    const lookup = createBatchLookup(async (keys: string[]) => {
      loads.push(keys)
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.toUpperCase()]))
    })
    const answers = await Promise.all(['a', 'b', 'a', 'missing'].map((k) => lookup(k)))
    expect(answers).toEqual(['A', 'B', 'A', undefined])
    expect(loads).toEqual([['a', 'b', 'missing']])
    // a later turn is a new load
    expect(await lookup('c')).toBe('C')
    expect(loads).toHaveLength(2)
  })

  it('[2.5.1] gathers the lookups asked while a load is out into the next load', async () => {
    const loads: string[][] = []
    const gates: Array<() => void> = []
    const lookup = createBatchLookup(async (keys: string[]) => {
      loads.push(keys)
      await new Promise<void>((resolve) => gates.push(resolve))
      return new Map(keys.map((k) => [k, k.toUpperCase()]))
    })
    const first = lookup('a')
    await new Promise((resolve) => setImmediate(resolve))
    expect(loads).toEqual([['a']])
    // asked in three later turns while the first load is out
    const later: Array<Promise<string | undefined>> = []
    for (const key of ['b', 'c', 'd']) {
      later.push(lookup(key))
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(loads).toHaveLength(1)
    gates.shift()?.()
    expect(await first).toBe('A')
    // the next load goes in the turn after the first one's end is settled
    for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve))
    expect(loads).toEqual([['a'], ['b', 'c', 'd']])
    gates.shift()?.()
    expect(await Promise.all(later)).toEqual(['B', 'C', 'D'])
  })

  it('[2.5.1] a full batch does not wait for the load that is out', async () => {
    const loads: number[][] = []
    const lookup = createBatchLookup(async (keys: number[]) => {
      loads.push(keys)
      // the first load never answers (a query that hangs)
      if (keys.includes(0)) await new Promise(() => {})
      return new Map(keys.map((k) => [k, k]))
    }, 2)
    void lookup(0)
    await new Promise((resolve) => setImmediate(resolve))
    const full = [lookup(1), lookup(2)]
    expect(await Promise.all(full)).toEqual([1, 2])
    expect(loads).toEqual([[0], [1, 2]])
  })

  it('splits a storm into loads of at most the batch size, and a failed load fails only its own', async () => {
    const loads: number[] = []
    const lookup = createBatchLookup(async (keys: number[]) => {
      loads.push(keys.length)
      if (keys.includes(0)) throw new Error('database away')
      return new Map(keys.map((k) => [k, k]))
    }, 3)
    const results = await Promise.allSettled([0, 1, 2, 3, 4, 5, 6].map((k) => lookup(k)))
    expect(loads).toEqual([3, 3, 1])
    expect(results.map((r) => r.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ])
  })
})
