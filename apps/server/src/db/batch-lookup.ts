/**
 * Gathers lookups into few queries: those asked for in one turn of the event loop go as one,
 * and those asked while a query is still out wait for it and then go together. A join storm of
 * thousands of connections then costs a few queries of hundreds of keys each (one indexed
 * lookup per batch) instead of thousands of round trips queued on the pool, while a lone
 * lookup on a quiet server still goes at once.
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
  /** Loads still out: while any is, new lookups gather for the next one (up to a batch). */
  let loading = 0

  function schedule(): void {
    if (scheduled || pending.length === 0) return
    // a full batch goes anyway: a huge storm (or a query that hangs) never holds the rest back
    if (loading > 0 && pending.length < maxBatch) return
    scheduled = true
    setImmediate(dispatch)
  }

  function dispatch(): void {
    scheduled = false
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch)
      pending = pending.slice(maxBatch)
      const keys = [...new Set(batch.map((p) => p.key))]
      loading += 1
      load(keys)
        .then(
          (found) => {
            for (const p of batch) p.resolve(found.get(p.key))
          },
          (error: unknown) => {
            for (const p of batch) p.reject(error)
          },
        )
        .finally(() => {
          loading -= 1
          schedule()
        })
    }
  }

  return (key) =>
    new Promise((resolve, reject) => {
      pending.push({ key, resolve, reject })
      schedule()
    })
}
