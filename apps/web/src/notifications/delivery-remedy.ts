import type { DeliveryDto } from '@flare/protocol'

/** What the delivery log offers for one delivery. */
export type DeliveryRemedy =
  /** Sent, or an in-app pop-up (its target's connections deliver it): nothing to do. */
  | { kind: 'none' }
  /** It may go through as it is (`retryable`): a timeout, a provider down, a rate limit. */
  | { kind: 'retry' }
  /** It fails the same way until someone changes something; then a retry sends it. */
  | { kind: 'fix'; fix: string }
  /** What it was for is gone: no retry can send it. */
  | { kind: 'gone'; why: string }

const SETTINGS = 'Settings → Notifications'

// what to do about a permanent failure, read from how the server words its error
// (apps/server/src/notifications/channels/). Only the explanation comes from the words: whether
// a retry as it is can help is the server's `retryable`, whatever they say
type Reader = (match: RegExpMatchArray, delivery: DeliveryDto, you: boolean) => DeliveryRemedy

const fix = (text: string): DeliveryRemedy => ({ kind: 'fix', fix: text })
const gone = (why: string): DeliveryRemedy => ({ kind: 'gone', why })

const EXPLANATIONS: ReadonlyArray<readonly [RegExp, Reader]> = [
  [
    /^(.+) has no phone number in their profile$/,
    (m, _d, you) =>
      fix(
        you
          ? 'Add a phone number to your profile, then retry.'
          : `Ask ${m[1]} to add a phone number to their profile, then retry.`,
      ),
  ],
  [
    /^the inbox "(.+)" has no text number to send from$/,
    (m) => fix(`Give the inbox “${m[1]}” a number to send texts from, then retry.`),
  ],
  [
    /^(no browser of this user has allowed|every browser of this user has unsubscribed from) push/,
    (_m, d, you) =>
      fix(
        you
          ? 'Allow notifications in your browser (Settings → Your notifications), then retry.'
          : `Ask ${d.targetLabel} to allow notifications in their browser, then retry.`,
      ),
  ],
  [
    /^Slack is not connected for this space/,
    () => fix(`Connect Slack in ${SETTINGS}, then retry.`),
  ],
  [
    /^no webhook endpoint of this space subscribes to (\S+)/,
    (m) => fix(`Add a webhook for ${m[1]} in ${SETTINGS}, then retry.`),
  ],
  [/^the recipient is no longer a user$/, () => gone('The recipient left Flare.')],
  [/^an? \w+ cannot go to /, () => gone('This channel cannot reach this recipient.')],
  [/^the ticket and its inbox are gone$/, () => gone('The ticket was deleted.')],
  [/^the reply was deleted$/, () => gone('The reply was deleted.')],
  [
    /^the customer has no phone number$/,
    () => gone('The customer left no phone number: answer them another way.'),
  ],
  [/^the webhook endpoint was deleted$/, () => gone('The webhook was deleted.')],
  [/^a reply to a customer is not sent to webhooks$/, () => gone('Replies never go to webhooks.')],
  [/^no channel "/, () => gone('Flare no longer has this channel.')],
  // an address that can never answer: no such host, a private address, not a URL
  [
    /^(Slack|webhook|SMS API|push): (no such host|refused|not a URL|not an http)/,
    (_m, d) =>
      d.channel === 'sms'
        ? fix('Whoever runs Flare must correct the SMS provider’s address, then retry.')
        : d.channel === 'push'
          ? fix(`Ask ${d.targetLabel} to turn push notifications off and on again, then retry.`)
          : fix(
              `Check the ${d.channel === 'slack' ? 'Slack' : 'webhook'} URL in ${SETTINGS}, then retry.`,
            ),
  ],
  // a provider's refusal (a 4xx; the server keeps retrying 408, 425, 429 and 5xx)
  [/answered HTTP (\d{3})/, refused],
  // a mail server's final no: an unknown mailbox, a refused sender
  [/^SMTP: /, () => fix('The mail server refused it (see the error); fix that, then retry.')],
]

/** A permanent failure whose words the log does not know: the error says what went wrong. */
const UNKNOWN_CAUSE = fix(
  'This fails the same way until its cause is fixed (see the error); then retry.',
)

function refused(match: RegExpMatchArray, delivery: DeliveryDto): DeliveryRemedy {
  const status = match[1]
  switch (delivery.channel) {
    case 'slack':
      return fix(`Slack refused the message: connect Slack again in ${SETTINGS}, then retry.`)
    case 'webhook':
      return fix('The endpoint refused it: fix the receiving service or its URL, then retry.')
    case 'sms':
      return status === '401' || status === '403'
        ? fix(
            'The SMS provider refused Flare’s credentials: whoever runs Flare must fix them, then retry.',
          )
        : fix('The SMS provider refused this message (see the error): fix that, then retry.')
    case 'push':
      return fix(
        `Ask ${delivery.targetLabel} to turn push notifications off and on again, then retry.`,
      )
    default:
      return fix('The provider refused it (see the error): fix that, then retry.')
  }
}

/**
 * Whether "Retry now" can help a delivery (the server says so: `retryable`), and if not what
 * to do instead. `viewerId` is who reads the log: a fix in their own profile is theirs to make.
 *
 * @example remedyFor({ ...failed, retryable: false, lastError: 'Dana Reyes has no phone number in their profile' }, me)
 *   // { kind: 'fix', fix: 'Ask Dana Reyes to add a phone number to their profile, then retry.' }
 */
export function remedyFor(delivery: DeliveryDto, viewerId: string): DeliveryRemedy {
  // an in-app pop-up is sent when a client of its target shows it, never retried
  if (delivery.channel === 'in_app' || delivery.state === 'sent') return { kind: 'none' }
  // pending (a retry brings the next try forward), or failed in a way that may pass now
  if (delivery.retryable) return { kind: 'retry' }
  const you = delivery.target === `user:${viewerId}`
  for (const [pattern, read] of EXPLANATIONS) {
    const match = delivery.lastError?.match(pattern)
    if (match) return read(match, delivery, you)
  }
  return UNKNOWN_CAUSE
}
