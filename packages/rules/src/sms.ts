import { renderTemplate, type TemplateValues, type TemplateVariable } from './template.js'

// The GSM 03.38 default alphabet: one septet each
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)
// the extension table: an escape septet plus one, so two each
const GSM_EXTENDED = new Set('^{}\\[~]|€\f')

/** How a provider counts one SMS: GSM-7 septets (160 a message) or UCS-2 units (70). */
export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2'
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number
  /** What fits in one message in that encoding. */
  limit: number
}

/**
 * Counts a text as an SMS provider does: GSM-7 when every character is in the GSM default
 * alphabet (extension characters such as `€` or `{` take two septets), otherwise UCS-2,
 * where every UTF-16 code unit counts (an emoji takes two) and one message holds 70.
 *
 * @example
 * smsLength('Hello') // → { encoding: 'GSM-7', units: 5, limit: 160 }
 * smsLength('Olá 😀') // → { encoding: 'UCS-2', units: 6, limit: 70 }
 */
export function smsLength(text: string): SmsLength {
  let septets = 0
  for (const char of text) {
    if (GSM_BASIC.has(char)) septets += 1
    else if (GSM_EXTENDED.has(char)) septets += 2
    else return { encoding: 'UCS-2', units: text.length, limit: 70 }
  }
  return { encoding: 'GSM-7', units: septets, limit: 160 }
}

/** Whether a text goes out as one SMS. */
export function fitsOneSms(text: string): boolean {
  const length = smsLength(text)
  return length.units <= length.limit
}

/**
 * Renders an SMS template so it fits one message: when the rendered text is too long, the
 * longest of the `shrinkable` values is shortened (ending in `...`, which GSM-7 has and `…` is
 * not; or, for the values in `keepEnd`, starting with it: the end of a conversation is what
 * matters), and again, until it fits or none is left to shorten. A template whose fixed text
 * alone is too long is refused on save, so in practice the result fits.
 *
 * @example
 * renderSmsWithin('{customer_name}: {transcript_excerpt}', values, ['transcript_excerpt'])
 */
export function renderSmsWithin(
  template: string,
  values: TemplateValues,
  shrinkable: readonly TemplateVariable[],
  keepEnd: readonly TemplateVariable[] = [],
): string {
  const current: TemplateValues = { ...values }
  let text = renderTemplate(template, current)
  // every round removes at least one character, so this ends
  for (;;) {
    const length = smsLength(text)
    const over = length.units - length.limit
    if (over <= 0) return text
    let longest: TemplateVariable | null = null
    for (const name of shrinkable) {
      const value = String(current[name] ?? '')
      if (value.length > 3 && (!longest || value.length > String(current[longest] ?? '').length)) {
        longest = name
      }
    }
    if (!longest) return text
    const chars = [...String(current[longest])]
    const keep = Math.max(0, chars.length - over - 3)
    current[longest] = keepEnd.includes(longest)
      ? `...${chars
          .slice(chars.length - keep)
          .join('')
          .trimStart()}`
      : `${chars.slice(0, keep).join('').trimEnd()}...`
    text = renderTemplate(template, current)
  }
}
