import type { TemplateChannel } from '@flare/protocol'
import {
  findUnknownTemplateVariables,
  fitsOneSms,
  renderSmsWithin,
  renderTemplate,
  smsLength,
  type TemplateValues,
  type TemplateVariable,
  templatePreviewValues,
} from '@flare/rules'

/** A channel's wording of `ticket_escalation`: subject (email, push title) and body. */
export interface TemplateText {
  subject: string | null
  body: string
}

/** A template filled in for one message. */
export interface RenderedTemplate {
  subject: string | null
  text: string
  /** Email only: the text as HTML, the link a link. */
  html?: string
}

export const TEMPLATE_NAME = 'ticket_escalation'

/** The built-in wording, used until a space saves its own (SPEC §7). */
export const DEFAULT_TEMPLATES: Record<TemplateChannel, TemplateText> = {
  email: {
    subject: 'Escalated: {subject} ({priority}, level {level})',
    body: [
      '{customer_name} is waiting on "{subject}".',
      '',
      '{reason}',
      '',
      '"{transcript_excerpt}"',
      '',
      'Priority: {priority} · Status: {status} · Open for {age} · Level {level}',
      'Previously assigned to: {previous_assignee}',
      'Rule: {rule_name}',
      '',
      'Open the ticket: {link}',
    ].join('\n'),
  },
  // seed 000: the customer's name, a short excerpt and the link
  sms: {
    subject: null,
    body: 'Flare: {customer_name} waiting {minutes} min: "{transcript_excerpt}" {link}',
  },
  slack: {
    subject: null,
    body: ':rotating_light: *{subject}* escalated to level {level} ({priority}): {reason}\n> {transcript_excerpt}',
  },
  push: { subject: 'Escalated: {subject}', body: '{customer_name}: {reason}' },
}

// what an SMS may shorten to fit one message; never the link
const SMS_SHRINKABLE: readonly TemplateVariable[] = [
  'transcript_excerpt',
  'reason',
  'subject',
  'rule_name',
  'customer_name',
  'escalation_target',
  'previous_assignee',
]

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** The email's HTML part: the rendered text, escaped, paragraphs kept, the link clickable. */
function toHtml(text: string, link: string | null): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => {
      let html = escapeHtml(p).replace(/\n/g, '<br>')
      if (link) {
        const escaped = escapeHtml(link)
        html = html.split(escaped).join(`<a href="${escaped}">${escaped}</a>`)
      }
      return `<p>${html}</p>`
    })
    .join('\n')
  return `<!doctype html><html><body style="font-family: system-ui, sans-serif; line-height: 1.5">\n${paragraphs}\n</body></html>`
}

/**
 * Fills a channel's template. SMS is shortened to fit one message (the longest free-text values
 * first, never the link; a bot conversation's excerpt keeps its end); email gets an HTML part
 * beside the text.
 */
export function renderFor(
  channel: TemplateChannel,
  template: TemplateText,
  values: TemplateValues,
  options: { transcriptFromBot?: boolean } = {},
): RenderedTemplate {
  const subject = template.subject === null ? null : renderTemplate(template.subject, values)
  if (channel === 'sms') {
    // a bot conversation's excerpt is shortened from its start: its last turns say what failed
    const keepEnd: TemplateVariable[] = options.transcriptFromBot ? ['transcript_excerpt'] : []
    return { subject: null, text: renderSmsWithin(template.body, values, SMS_SHRINKABLE, keepEnd) }
  }
  const text = renderTemplate(template.body, values)
  if (channel === 'email') {
    const link = typeof values.link === 'string' ? values.link : null
    return { subject, text, html: toHtml(text, link) }
  }
  return { subject, text }
}

/**
 * Why a template cannot be saved, or null: unknown `{variables}` in any part, an email or push
 * template without a subject, or an SMS that, rendered with the sample values, does not fit one
 * message as the provider counts it (160 GSM-7 characters, 70 in UCS-2).
 */
export function templateProblem(
  channel: TemplateChannel,
  template: TemplateText,
  publicUrl: string,
): { field: 'subject' | 'body'; message: string } | null {
  for (const field of ['subject', 'body'] as const) {
    const text = template[field]
    if (text === null) continue
    const unknown = findUnknownTemplateVariables(text)
    if (unknown.length > 0) {
      return {
        field,
        message: `${field}: unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `{${u}}`).join(', ')}`,
      }
    }
  }
  if ((channel === 'email' || channel === 'push') && !template.subject?.trim()) {
    return { field: 'subject', message: `subject: a ${channel} needs one` }
  }
  if (channel === 'sms') {
    const rendered = renderTemplate(template.body, templatePreviewValues(publicUrl))
    if (!fitsOneSms(rendered)) {
      const length = smsLength(rendered)
      return {
        field: 'body',
        message: `body: renders to ${length.units} ${length.encoding} characters; one SMS holds ${length.limit}`,
      }
    }
  }
  return null
}
