import { eq } from 'drizzle-orm'
import { generateSecret } from './auth/secrets.js'
import type { Database } from './db/database.js'
import { appMeta } from './db/schema.js'

const COOKIE_SECRET_KEY = 'cookie_secret'

/**
 * The secret that signs session cookies: SESSION_SECRET when set, else one generated on first
 * start and kept in the database, so sessions survive a restart without any setup.
 */
export async function resolveCookieSecret(
  database: Database,
  configured: string | null,
): Promise<string> {
  if (configured) return configured
  const { db } = database
  await db
    .insert(appMeta)
    .values({ key: COOKIE_SECRET_KEY, value: generateSecret() })
    .onConflictDoNothing({ target: appMeta.key })
  const [row] = await db.select().from(appMeta).where(eq(appMeta.key, COOKIE_SECRET_KEY))
  if (!row || typeof row.value !== 'string') throw new Error('cookie secret missing from app_meta')
  return row.value
}
