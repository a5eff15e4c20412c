import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** How long an "I'm on it" link in an email or Slack message works after its firing. */
export const ACK_LINK_TTL_MS = 24 * 60 * 60_000

/** What a signed link names: one firing, and who it was sent to (`user:<id>`, `email:<a>`, `space`). */
export interface AckLinkClaim {
  firingId: string
  target: string
  expiresAt: Date
}

export interface AckLinks {
  /** `PUBLIC_URL/ack/<token>` for one recipient of one firing, valid a day after the firing. */
  link(firingId: string, target: string, escalatedAt: Date): string
  /** The claim of a token this server signed and that has not expired; null otherwise. */
  verify(token: string, now: Date): AckLinkClaim | null
}

const SIGNATURE_LENGTH = 22 // 128 bits in base64url

/**
 * Signed "I'm on it" links (SPEC §11.2.1): an HMAC over the firing, the recipient and the
 * expiry, keyed by a key derived from the session secret, so a link cannot be made for another
 * firing or person and stops working after a day. Opening one (GET) only shows a confirm page;
 * the POST of that page acknowledges, so link scanners in mail and chat never take a ticket.
 *
 * @example
 * const links = createAckLinks(secret, 'https://flare.example.com')
 * links.link(firingId, `user:${userId}`, firedAt) // → https://flare.example.com/ack/…
 */
export function createAckLinks(secret: string, publicUrl: string): AckLinks {
  const key = createHmac('sha256', secret).update('flare:ack-link:v1').digest()
  const sign = (payload: string) =>
    createHmac('sha256', key).update(payload).digest('base64url').slice(0, SIGNATURE_LENGTH)

  return {
    link(firingId, target, escalatedAt) {
      const expires = Math.floor((escalatedAt.getTime() + ACK_LINK_TTL_MS) / 1000)
      const payload = Buffer.from(`${firingId}|${target}|${expires}`).toString('base64url')
      return `${publicUrl}/ack/${payload}.${sign(payload)}`
    },
    verify(token, now) {
      const [payload, signature, extra] = token.split('.')
      if (!payload || !signature || extra !== undefined) return null
      const expected = Buffer.from(sign(payload))
      const given = Buffer.from(signature)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
      const [firingId, target, expires, more] = Buffer.from(payload, 'base64url')
        .toString('utf8')
        .split('|')
      if (!firingId || !target || !expires || more !== undefined) return null
      const expiresAt = new Date(Number(expires) * 1000)
      if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= now.getTime()) return null
      return { firingId, target, expiresAt }
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
