/**
 * The variables a note or notification template may use: SPEC §6.1's note variables
 * plus §7's notification ones, and the customer's name (seed 000's forward names them).
 */
export const TEMPLATE_VARIABLES = [
  'escalation_target',
  'minutes',
  'priority',
  'rule_name',
  'ticket_id',
  'subject',
  'level',
  'age',
  'status',
  'link',
  'reason',
  'previous_assignee',
  'customer_name',
  'transcript_excerpt',
] as const
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number]

/** The variables a rule's internal note may use (SPEC §6.1.1): what a firing knows. */
export const NOTE_TEMPLATE_VARIABLES = [
  'escalation_target',
  'minutes',
  'priority',
  'rule_name',
  'ticket_id',
  'subject',
  'level',
  'reason',
  'transcript_excerpt',
] as const satisfies readonly TemplateVariable[]

/** Values to fill in; a variable with no value renders as nothing. */
export type TemplateValues = Partial<Record<TemplateVariable, string | number | null>>

/** The internal note a rule adds when it asks for one but gives no template. */
export const DEFAULT_NOTE_TEMPLATE =
  'Escalated to {escalation_target} after {minutes} minutes by rule "{rule_name}" (level {level}).'

/** The same for a rule an instant trigger fired (SPEC §11.1): no minutes, the reason instead. */
export const DEFAULT_TRIGGER_NOTE_TEMPLATE =
  'Escalated to {escalation_target} at once by rule "{rule_name}" (level {level}): {reason}.'

// `{{` and `}}` write literal braces; `{name}` is a variable
const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g
const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_VARIABLES)

/**
 * Fills a template. Unknown variables are left as written (they are refused when a
 * template is saved, see `findUnknownTemplateVariables`, so a firing never fails on one).
 *
 * @example
 * renderTemplate('Escalated to {escalation_target} after {minutes} minutes', { escalation_target: 'Ana', minutes: 30 })
 * // → 'Escalated to Ana after 30 minutes'
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (match, name: string | undefined) => {
    if (name === undefined) return match[0]!
    if (!KNOWN.has(name)) return match
    const value = values[name as TemplateVariable]
    return value === undefined || value === null ? '' : String(value)
  })
}

/**
 * The `{variables}` of a template that are not among `allowed` (default: every variable),
 * each once, in order of appearance; empty when the template may be saved.
 *
 * @example
 * findUnknownTemplateVariables('After {minutes} min, {asignee}') // → ['asignee']
 * findUnknownTemplateVariables('{link}', NOTE_TEMPLATE_VARIABLES) // → ['link']
 */
export function findUnknownTemplateVariables(
  template: string,
  allowed: readonly TemplateVariable[] = TEMPLATE_VARIABLES,
): string[] {
  const known: ReadonlySet<string> = allowed === TEMPLATE_VARIABLES ? KNOWN : new Set(allowed)
  const unknown = new Set<string>()
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (name !== undefined && !known.has(name)) unknown.add(name)
  }
  return [...unknown]
}

/**
 * Example values for every variable, to preview a template before saving it (and to check an
 * SMS fits one message when saved). `origin` is where Flare is reached, for `{link}`.
 *
 * @example
 * renderTemplate('{customer_name}: {link}', templatePreviewValues('https://flare.example.com'))
 */
export function templatePreviewValues(origin: string): TemplateValues {
  const ticketId = '3f0c6a0e-5d1b-4b8e-9a51-2f4c8e7d9b10'
  return {
    escalation_target: 'Dana Reyes',
    minutes: 5,
    priority: 'high',
    rule_name: 'Escalation to a phone',
    ticket_id: ticketId,
    subject: 'Where is my order?',
    level: 1,
    age: '12 min',
    status: 'open',
    link: `${origin}/t/${ticketId}`,
    reason: 'Customer waiting 5 minutes without a reply',
    previous_assignee: 'nobody',
    customer_name: 'Maria Lopez',
    transcript_excerpt: 'Where is my order? It was due Monday.',
  }
}
