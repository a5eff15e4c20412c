import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** How long an "I'm on it" link in an email or Slack message works after its firing. */
export const ACK_LINK_TTL_MS = 24 * 60 * 60_000

/** What a signed link names: one outbox row (a firing's message to one recipient). */
export interface AckLinkClaim {
  outboxId: string
  expiresAt: Date
}

export interface AckLinks {
  /** `PUBLIC_URL/ack/<token>` for one outbox row of a firing, valid a day after the firing. */
  link(outboxId: string, escalatedAt: Date): string
  /** The claim of a token this server signed and that has not expired; null otherwise. */
  verify(token: string, now: Date): AckLinkClaim | null
}

const SIGNATURE_LENGTH = 22 // 128 bits in base64url
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Signed "I'm on it" links (SPEC §11.2.1): an HMAC over one outbox row (which names the firing
 * and the recipient) and an expiry, keyed by a key derived from the session secret, so a link
 * cannot be made for another firing or person and stops working after a day. The row id and
 * expiry are packed as bytes, so a link stays short (50 characters of token). Opening a link
 * (GET) only shows a confirm page; the POST of that page acknowledges, so link scanners in mail
 * and chat never take a ticket.
 *
 * @example
 * const links = createAckLinks(secret, 'https://flare.example.com')
 * links.link(outboxRowId, firedAt) // → https://flare.example.com/ack/…
 */
export function createAckLinks(secret: string, publicUrl: string): AckLinks {
  const key = createHmac('sha256', secret).update('flare:ack-link:v1').digest()
  const sign = (payload: string) =>
    createHmac('sha256', key).update(payload).digest('base64url').slice(0, SIGNATURE_LENGTH)

  return {
    link(outboxId, escalatedAt) {
      if (!UUID.test(outboxId)) throw new Error('an outbox row id is a UUID')
      const bytes = Buffer.alloc(20)
      Buffer.from(outboxId.replace(/-/g, ''), 'hex').copy(bytes, 0)
      bytes.writeUInt32BE(Math.floor((escalatedAt.getTime() + ACK_LINK_TTL_MS) / 1000), 16)
      const payload = bytes.toString('base64url')
      return `${publicUrl}/ack/${payload}.${sign(payload)}`
    },
    verify(token, now) {
      const [payload, signature, extra] = token.split('.')
      if (!payload || !signature || extra !== undefined) return null
      const expected = Buffer.from(sign(payload))
      const given = Buffer.from(signature)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
      const bytes = Buffer.from(payload, 'base64url')
      if (bytes.length !== 20) return null
      const hex = bytes.subarray(0, 16).toString('hex')
      const outboxId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
      const expiresAt = new Date(bytes.readUInt32BE(16) * 1000)
      if (expiresAt.getTime() <= now.getTime()) return null
      return { outboxId, expiresAt }
    },
  }
}

/**
 * The short code an SMS forward asks its reader to reply with to take it (SPEC §11.2.1): four
 * digits from the firing id. Not a secret: the reply is matched to a member by the phone it
 * comes from; the code only tells several forwards to one phone apart.
 */
export function smsReplyCode(firingId: string): string {
  const n = createHash('sha256').update(firingId).digest().readUInt32BE(0) % 10_000
  return String(n).padStart(4, '0')
}
