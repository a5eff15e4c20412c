import { createHash } from 'node:crypto'
import nodemailer from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'
import { type Channel, DeliveryError, userIdOf } from './channel.js'

/** The address inside `Name <address>` (or the bare address). */
export function addressOf(from: string): string {
  return from.match(/<([^>]+)>/)?.[1] ?? from.trim()
}

/**
 * A stable Message-ID for a row: the same row always sends the same id, so a mail that went out
 * twice (the one documented window) is one message to the receiving server and to mail clients.
 */
export function messageIdFor(idempotencyKey: string, mailFrom: string): string {
  const domain = addressOf(mailFrom).split('@')[1] ?? 'flare.invalid'
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)
  return `<flare-${hash}@${domain}>`
}

function transportOptions(smtpUrl: string, timeoutMs: number): SMTPTransport.Options {
  const url = new URL(smtpUrl)
  const secure = url.protocol === 'smtps:'
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  }
}

// nodemailer's codes for "the server could not be reached or talked to": worth trying again
const RETRYABLE = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ESTREAM', 'EPROTOCOL'])

function deliveryErrorOf(error: unknown): DeliveryError {
  const e = error as { code?: string; responseCode?: number; message?: string }
  const message = `SMTP: ${e.message ?? String(error)}`
  if (typeof e.responseCode === 'number') {
    // 4xx is "try again later", 5xx is "never" (unknown mailbox, refused)
    return new DeliveryError(message, e.responseCode < 500)
  }
  return new DeliveryError(message, RETRYABLE.has(e.code ?? '') || e.code === undefined)
}

/**
 * Email over SMTP at `SMTP_URL`, from `MAIL_FROM`, with text and HTML parts. Without
 * `SMTP_URL` the built-in sink keeps the rendered message for the delivery log instead.
 */
export const emailChannel: Channel = {
  name: 'email',
  queued: true,
  targetsFor(audience) {
    return audience.userIds
      .filter(
        // `notify` emails only those who want email notifications (seed 002); `email` always
        (id) =>
          !(
            audience.action === 'notify' &&
            audience.people.get(id)?.preferences.emailNotifications === false
          ),
      )
      .map((id) => `user:${id}`)
  },
  async deliver(row, context) {
    let to: string
    const userId = userIdOf(row.target)
    if (userId) {
      const user = await context.user(userId)
      if (!user) throw new DeliveryError('the recipient is no longer a user', false)
      to = user.displayName
        ? `${user.displayName.replace(/[<>"]/g, '')} <${user.email}>`
        : user.email
    } else if (row.target.startsWith('email:')) {
      to = row.target.slice('email:'.length)
    } else {
      throw new DeliveryError(`an email cannot go to ${row.target}`, false)
    }
    const rendered = await context.render(row, 'email')
    const message = {
      from: context.mailFrom,
      to,
      subject: rendered.subject ?? 'Flare notification',
      text: rendered.text,
      html: rendered.html ?? rendered.text,
      messageId: messageIdFor(row.idempotencyKey, context.mailFrom),
      headers: { 'X-Flare-Idempotency-Key': row.idempotencyKey },
    }
    if (!context.smtpUrl) {
      return {
        captured: {
          from: message.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
        },
      }
    }
    // one connection per message: an SMTP server that comes back is used at once, and a
    // broken pooled connection can never take other messages down with it
    const transport = nodemailer.createTransport(
      transportOptions(context.smtpUrl, context.timeoutMs),
    )
    try {
      const info = await transport.sendMail(message)
      return { providerId: info.response ?? info.messageId ?? null }
    } catch (error) {
      throw deliveryErrorOf(error)
    } finally {
      transport.close()
    }
  },
}
