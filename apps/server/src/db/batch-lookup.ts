/**
 * Gathers the lookups asked for in one turn of the event loop into one query. A join storm of
 * thousands of connections then costs a few queries of hundreds of keys each (one indexed
 * lookup per batch) instead of thousands of round trips queued on the pool.
 *
 * @example
 * const member = createBatchLookup((ids: string[]) => findMembers(db, spaceId, ids))
 * const found = await member('b353c08d-…')
 */
export function createBatchLookup<K, V>(
  load: (keys: K[]) => Promise<ReadonlyMap<K, V>>,
  maxBatch = 500,
): (key: K) => Promise<V | undefined> {
  let pending: Array<{ key: K; resolve(v: V | undefined): void; reject(e: unknown): void }> = []
  let scheduled = false

  function dispatch(): void {
    scheduled = false
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch)
      pending = pending.slice(maxBatch)
      const keys = [...new Set(batch.map((p) => p.key))]
      load(keys).then(
        (found) => {
          for (const p of batch) p.resolve(found.get(p.key))
        },
        (error: unknown) => {
          for (const p of batch) p.reject(error)
        },
      )
    }
  }

  return (key) =>
    new Promise((resolve, reject) => {
      pending.push({ key, resolve, reject })
      if (!scheduled) {
        scheduled = true
        setImmediate(dispatch)
      }
    })
}
