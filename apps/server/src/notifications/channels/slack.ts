import { eq } from 'drizzle-orm'
import { slackIntegrations } from '../../db/schema.js'
import { OutboundError } from '../outbound-http.js'
import { type Channel, checkHttpAnswer, DeliveryError } from './channel.js'

/** Slack's mrkdwn escapes: `&`, `<` and `>` would otherwise start links and mentions. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * The space's Slack incoming webhook, once per firing: a Block Kit message with the `slack`
 * template's text, the customer's words and an "Open ticket" button.
 */
export const slackChannel: Channel = {
  name: 'slack',
  queued: true,
  targetsFor() {
    return ['space']
  },
  async deliver(row, context) {
    const [integration] = await context.db
      .select()
      .from(slackIntegrations)
      .where(eq(slackIntegrations.spaceId, row.spaceId))
    if (!integration) {
      throw new DeliveryError(
        'Slack is not connected for this space (PUT /api/spaces/:spaceId/integrations/slack)',
        false,
      )
    }
    const facts = await context.facts(row)
    const rendered = await context.render(row, 'slack')
    const excerpt = facts.values.transcript_excerpt
    const payload = {
      text: rendered.text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: mrkdwn(rendered.text) } },
        ...(excerpt
          ? [
              {
                type: 'context',
                elements: [
                  { type: 'mrkdwn', text: mrkdwn(`${facts.values.customer_name}: "${excerpt}"`) },
                ],
              },
            ]
          : []),
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Open ticket' },
              url: facts.link,
              style: 'primary',
            },
          ],
        },
      ],
    }
    try {
      const answer = await context.http({
        method: 'POST',
        url: integration.webhookUrl,
        headers: { 'content-type': 'application/json', 'idempotency-key': row.idempotencyKey },
        body: JSON.stringify(payload),
      })
      checkHttpAnswer(answer, context.now, 'Slack')
      return { providerId: answer.body.slice(0, 100) || null }
    } catch (error) {
      if (error instanceof OutboundError) {
        throw new DeliveryError(`Slack: ${error.message}`, error.retryable)
      }
      throw error
    }
  },
}
