import { eq } from 'drizzle-orm'
import webpush from 'web-push'
import type { Database } from '../db/database.js'
import { appMeta } from '../db/schema.js'

const VAPID_KEY = 'vapid_keys'

export interface VapidKeys {
  publicKey: string
  privateKey: string
}

function isVapidKeys(value: unknown): value is VapidKeys {
  return (
    typeof value === 'object' &&
    value !== null &&
    'publicKey' in value &&
    'privateKey' in value &&
    typeof value.publicKey === 'string' &&
    typeof value.privateKey === 'string'
  )
}

/**
 * The server's VAPID key pair for Web Push: generated on first start and kept in the database,
 * so browsers' subscriptions stay valid across restarts and every process signs alike (the
 * first process to store a pair wins; the others read it).
 */
export async function resolveVapidKeys(database: Database): Promise<VapidKeys> {
  const { db } = database
  const generated = webpush.generateVAPIDKeys()
  await db
    .insert(appMeta)
    .values({ key: VAPID_KEY, value: generated })
    .onConflictDoNothing({ target: appMeta.key })
  const [row] = await db.select().from(appMeta).where(eq(appMeta.key, VAPID_KEY))
  if (!row || !isVapidKeys(row.value)) throw new Error('VAPID keys missing from app_meta')
  return { publicKey: row.value.publicKey, privateKey: row.value.privateKey }
}
