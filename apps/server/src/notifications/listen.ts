import type { Database } from '../db/database.js'

/** The raw client under drizzle, for LISTEN: postgres.js and PGlite both have `listen`. */
interface Listenable {
  listen(channel: string, onNotify: (payload: string) => void): Promise<unknown>
}

function hasListen(value: unknown): value is Listenable {
  // postgres.js's client is a function (the tagged template) with methods; PGlite's an object
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    'listen' in value &&
    typeof (value as { listen: unknown }).listen === 'function'
  )
}

/**
 * LISTENs on a PostgreSQL channel (postgres.js or PGlite); answers how to stop, or null when
 * the driver cannot listen.
 */
export async function listenOn(
  database: Database,
  channel: string,
  onNotify: (payload: string) => void,
): Promise<(() => Promise<void>) | null> {
  const client: unknown = Reflect.get(database.db, '$client')
  if (!hasListen(client)) return null
  const handle = await client.listen(channel, onNotify)
  return async () => {
    if (typeof handle === 'function') await handle()
    else if (typeof handle === 'object' && handle !== null && 'unlisten' in handle) {
      const unlisten = (handle as { unlisten: unknown }).unlisten
      if (typeof unlisten === 'function') await unlisten.call(handle)
    }
  }
}
