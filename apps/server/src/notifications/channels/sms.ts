import { OutboundError } from '../outbound-http.js'
import { type Channel, checkHttpAnswer, DeliveryError, userIdOf } from './channel.js'

/** The number a row's SMS goes to: a `phone:` target, or the user's own phone. */
async function recipientOf(
  target: string,
  user: (id: string) => Promise<{ displayName: string; phone: string | null } | null>,
): Promise<string> {
  if (target.startsWith('phone:')) return target.slice('phone:'.length)
  const userId = userIdOf(target)
  if (!userId) throw new DeliveryError(`an SMS cannot go to ${target}`, false)
  const person = await user(userId)
  if (!person) throw new DeliveryError('the recipient is no longer a user', false)
  if (!person.phone) {
    throw new DeliveryError(`${person.displayName} has no phone number in their profile`, false)
  }
  return person.phone
}

/**
 * SMS through a Twilio-compatible Messages API (`SMS_API_URL`), always from the inbox's own
 * number, so replies go to the inbox and not to the customer (seed 000). Escalations use the
 * `sms` template; a staff reply (`ticket.reply`) goes out as written. Without `SMS_API_URL`
 * the built-in sink keeps the text for the delivery log instead.
 */
export const smsChannel: Channel = {
  name: 'sms',
  queued: true,
  targetsFor(audience) {
    return audience.userIds.map((id) => `user:${id}`)
  },
  async deliver(row, context) {
    const facts = await context.facts(row)
    const from = facts.inbox?.channelAddress
    if (!from) {
      throw new DeliveryError(
        facts.inbox
          ? `the inbox "${facts.inbox.name}" has no text number to send from`
          : 'the ticket and its inbox are gone',
        false,
      )
    }
    let to: string
    let body: string
    if (row.event === 'ticket.reply') {
      if (!facts.message) throw new DeliveryError('the reply was deleted', false)
      if (!facts.ticket?.customerPhone) {
        throw new DeliveryError('the customer has no phone number', false)
      }
      to = facts.ticket.customerPhone
      body = facts.message.body
    } else {
      to = await recipientOf(row.target, context.user)
      body = (await context.render(row, 'sms')).text
    }
    if (!context.sms) return { captured: { from, to, text: body } }

    const { apiUrl, accountSid, authToken } = context.sms
    const basic = Buffer.from(`${accountSid}:${authToken}`).toString('base64')
    let answer: Awaited<ReturnType<typeof context.http>>
    try {
      answer = await context.http({
        method: 'POST',
        url: `${apiUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'idempotency-key': row.idempotencyKey,
          // Twilio's own name for the same thing
          'i-twilio-idempotency-token': row.idempotencyKey,
        },
        body: new URLSearchParams({ From: from, To: to, Body: body }).toString(),
      })
    } catch (error) {
      if (error instanceof OutboundError) {
        throw new DeliveryError(`SMS API: ${error.message}`, error.retryable)
      }
      throw error
    }
    checkHttpAnswer(answer, context.now, 'the SMS API')
    let sid: string | null = null
    try {
      const parsed: unknown = JSON.parse(answer.body)
      if (
        parsed &&
        typeof parsed === 'object' &&
        'sid' in parsed &&
        typeof parsed.sid === 'string'
      ) {
        sid = parsed.sid
      }
    } catch {
      // a provider that answers 2xx without JSON still took the message
    }
    return { providerId: sid }
  },
}
