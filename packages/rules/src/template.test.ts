import { describe, expect, it } from 'vitest'
import {
  DEFAULT_NOTE_TEMPLATE,
  findUnknownTemplateVariables,
  renderTemplate,
  TEMPLATE_VARIABLES,
} from './template.js'

describe('templates', () => {
  it('[6.1] renders the note variables', () => {
    const note = renderTemplate(
      'Escalated to {escalation_target} after {minutes} minutes ({rule_name}, {priority}, #{ticket_id} {subject}, level {level})',
      {
        escalation_target: 'Ana Lima',
        minutes: 30,
        rule_name: 'Urgent',
        priority: 'urgent',
        ticket_id: 'T-1',
        subject: 'Refund',
        level: 2,
      },
    )
    expect(note).toBe(
      'Escalated to Ana Lima after 30 minutes (Urgent, urgent, #T-1 Refund, level 2)',
    )
  })

  it('[7] knows the notification variables too', () => {
    for (const name of ['age', 'status', 'link', 'reason', 'previous_assignee']) {
      expect(TEMPLATE_VARIABLES).toContain(name)
    }
    expect(renderTemplate('{link} {previous_assignee}.', { link: 'https://x/t/1' })).toBe(
      'https://x/t/1 .',
    )
  })

  it('[6.1] leaves unknown variables as written at firing time, and reports them at save time', () => {
    expect(renderTemplate('Hi {asignee}, {minutes}', { minutes: 5 })).toBe('Hi {asignee}, 5')
    expect(findUnknownTemplateVariables('Hi {asignee}, {minutes} {asignee} {Level}')).toEqual([
      'asignee',
      'Level',
    ])
    expect(findUnknownTemplateVariables(DEFAULT_NOTE_TEMPLATE)).toEqual([])
    expect(findUnknownTemplateVariables('plain { text } and {{literal}}')).toEqual([])
  })

  it('writes literal braces for {{ and }}', () => {
    expect(renderTemplate('{{minutes}} = {minutes}', { minutes: 3 })).toBe('{minutes} = 3')
  })

  it('renders the seed-004 note verbatim', () => {
    const text = 'Ticket escalated to manager after 30 minutes without resolution'
    expect(renderTemplate(text, {})).toBe(text)
  })
})
