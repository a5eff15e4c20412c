import { createHash, randomBytes } from 'node:crypto'

/** A new unguessable secret (256 bits), URL-safe. */
export function generateSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`
}

/**
 * Session and API tokens are stored as their SHA-256: they are long random secrets, so a fast
 * hash is enough and lets a lookup use the index.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}
