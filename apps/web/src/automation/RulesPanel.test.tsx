import type { BusinessCalendar, EscalationRule, InboxDto, RotationDto } from '@flare/protocol'
import { render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { fakeServer } from '../test/fake-server.js'
import { RulePreview } from './RulePreview.js'
import { RulesPanel } from './RulesPanel.js'
import type { Directory } from './targets.js'

const U = (n: number) => `0b6c7a52-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`
const SPACE = U(90)
const INBOX = U(80)

const LONDON_WEEKDAYS: BusinessCalendar = {
  mode: 'same',
  timezone: 'Europe/London',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
}
// Friday 20 November 2026, 16:30 in London (GMT): half an hour of the week is left
const FRIDAY_AFTERNOON = new Date('2026-11-20T16:30:00Z')

const rotation: RotationDto = {
  id: U(70),
  name: 'Night desk',
  memberIds: [U(1), U(2)],
  nextIndex: 1,
}
const directory: Directory = {
  members: [
    { userId: U(1), displayName: 'Dana Reyes', role: 'agent', managerUserId: null },
    { userId: U(2), displayName: 'Eli Novak', role: 'agent', managerUserId: null },
  ],
  groups: [{ id: U(60), name: 'Tier 2', handle: 'tier2', memberIds: [U(2)] }],
  rotations: [rotation],
}
const inbox: InboxDto = {
  id: INBOX,
  spaceId: SPACE,
  name: 'Support',
  channelAddress: '+15550100',
  adminUserIds: [],
  calendar: null,
  createdAt: '2026-11-01T00:00:00.000Z',
}

function rule(fields: Partial<EscalationRule> = {}): EscalationRule {
  return {
    id: 'r1',
    name: 'Waiting an hour',
    description: null,
    enabled: true,
    inboxId: null,
    priority: 'all',
    chain: 'default',
    conditions: [],
    clock: 'waiting',
    escalateAfterMinutes: 60,
    repeatEveryMinutes: null,
    businessHoursOnly: true,
    escalateTo: 'assigned',
    escalateToTeamId: null,
    escalateToUserId: null,
    escalateToRotationId: null,
    recipientEmail: null,
    recipientPhone: null,
    notificationChannels: ['in_app'],
    action: null,
    addInternalNote: false,
    internalNoteTemplate: null,
    acknowledgeWithinMinutes: null,
    fallback: null,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    createdBy: null,
    updatedBy: null,
    ...fields,
  }
}

/** The panel as the settings page wires it: the rules come from the store. */
function ConnectedPanel({ canEdit }: { canEdit: boolean }) {
  const stored = useFlare((s) => s.escalationRules)
  return (
    <RulesPanel
      rules={stored.status === 'ready' ? stored.value : []}
      directory={directory}
      inboxes={[inbox]}
      spaceCalendar={LONDON_WEEKDAYS}
      spaceTimezone="Europe/London"
      canEdit={canEdit}
      now={FRIDAY_AFTERNOON}
    />
  )
}

function renderPanel(rules: EscalationRule[], canEdit = true) {
  useFlare.setState({ spaceId: SPACE, escalationRules: { status: 'ready', value: rules } })
  render(<ConnectedPanel canEdit={canEdit} />)
}

beforeEach(() => {
  fakeServer({})
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('RulePreview', () => {
  const base = {
    enabled: true,
    clock: 'waiting' as const,
    escalateAfterMinutes: 60,
    repeatEveryMinutes: undefined,
    businessHoursOnly: true,
  }

  it('[5][6.2] counts business minutes over the weekend from a pinned now', () => {
    render(
      <RulePreview
        rule={base}
        target="Eli Novak"
        calendar={LONDON_WEEKDAYS}
        calendarName="the space's hours"
        timezone="Europe/London"
        now={FRIDAY_AFTERNOON}
      />,
    )
    expect(screen.getByTestId('rule-preview').textContent).toBe(
      "A customer message arriving now would escalate to Eli Novak at Mon 09:30 (60 business minutes of the space's hours, Europe/London).",
    )
  })

  it('[6.1] counts wall-clock minutes when the rule ignores business hours, and says it repeats', () => {
    render(
      <RulePreview
        rule={{ ...base, businessHoursOnly: false, repeatEveryMinutes: 30, clock: 'age' }}
        target="the team Tier 2"
        calendar={LONDON_WEEKDAYS}
        calendarName="the space's hours"
        timezone="Europe/London"
        now={FRIDAY_AFTERNOON}
      />,
    )
    expect(screen.getByTestId('rule-preview').textContent).toBe(
      'A ticket opened now would escalate to the team Tier 2 at Fri 17:30 (60 minutes, Europe/London), then every 30 minutes while it stays open.',
    )
  })
})

describe('RulesPanel', () => {
  it('[6.1] checks a new rule in the browser, naming the field, before anything is sent', async () => {
    const calls = fakeServer({})
    const user = userEvent.setup()
    renderPanel([])
    await user.click(screen.getByRole('button', { name: 'Add rule' }))
    const form = screen.getByRole('form', { name: 'New rule' })
    await user.click(within(form).getByRole('button', { name: 'Add rule' }))
    const name = within(form).getByRole('textbox', { name: 'Name' })
    expect(name.getAttribute('aria-invalid')).toBe('true')
    expect(within(form).getByRole('alert').textContent).toContain('Required.')

    await user.type(name, 'Tier 2 after 2 hours')
    await user.selectOptions(within(form).getByLabelText('Escalate to'), 'team')
    await user.click(within(form).getByRole('button', { name: 'Add rule' }))
    expect(within(form).getByLabelText('Team').getAttribute('aria-invalid')).toBe('true')
    expect(within(form).getByRole('alert').textContent).toBe('Choose a team.')
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([])
  })

  it('[6.1] a refused save takes you to the field to fix and says so beside the button', async () => {
    const user = userEvent.setup()
    renderPanel([])
    await user.click(screen.getByRole('button', { name: 'Add rule' }))
    const form = screen.getByRole('form', { name: 'New rule' })
    const submit = within(form).getByRole('button', { name: 'Add rule' })
    await user.click(submit)
    const name = within(form).getByRole('textbox', { name: 'Name' })
    expect(document.activeElement).toBe(name)
    expect(form.querySelector('.form-summary')?.textContent).toBe(
      'Not saved. Fix the field marked above: Name',
    )

    // from the summary, back to the field
    submit.focus()
    await user.click(within(form).getByRole('button', { name: 'Name' }))
    expect(document.activeElement).toBe(name)

    // the fallback's own person, under its own label; the summary goes once it is fixed
    await user.type(name, 'Tier 2 after 2 hours')
    await user.type(within(form).getByRole('spinbutton', { name: /Acknowledge within/ }), '5')
    await user.selectOptions(
      within(form).getByLabelText('With no next level, go to'),
      'specific_user',
    )
    await user.click(submit)
    const person = within(form).getByLabelText('Fallback: person')
    expect(document.activeElement).toBe(person)
    expect(within(form).getByRole('button', { name: 'Fallback: person' })).toBeTruthy()
    await user.selectOptions(person, U(1))
    expect(form.querySelector('.form-summary')).toBeNull()
  })

  it('[6.1] warns about unknown template variables and refuses to save them', async () => {
    const user = userEvent.setup()
    renderPanel([])
    await user.click(screen.getByRole('button', { name: 'Add rule' }))
    const form = screen.getByRole('form', { name: 'New rule' })
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Noted')
    await user.click(
      within(form).getByRole('checkbox', { name: 'Add an internal note when it fires' }),
    )
    await user.click(within(form).getByRole('textbox', { name: 'Internal note' }))
    await user.paste('Sent to {escalation_target} after {minuts} min')
    expect(within(form).getByRole('alert').textContent).toBe('Unknown variable: {minuts}.')
  })

  it('[6.1] adds a rule with its target, and the preview follows the form', async () => {
    const calls = fakeServer({
      [`POST /api/tickets/escalation-rules?spaceId=${SPACE}`]: (body) => ({
        status: 201,
        body: { rule: rule({ ...(body as Partial<EscalationRule>), id: 'r9' }) },
      }),
    })
    const user = userEvent.setup()
    renderPanel([])
    await user.click(screen.getByRole('button', { name: 'Add rule' }))
    const form = screen.getByRole('form', { name: 'New rule' })
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Night desk')
    await user.selectOptions(within(form).getByLabelText('Escalate to'), 'rotation')
    await user.selectOptions(within(form).getByLabelText('Rotation'), rotation.id)
    const threshold = within(form).getByRole('spinbutton', { name: /Threshold/ })
    await user.clear(threshold)
    await user.type(threshold, '45')
    expect(within(form).getByTestId('rule-preview').textContent).toContain(
      'would escalate to Eli Novak (next on Night desk) at Mon 09:15',
    )
    await user.click(within(form).getByRole('button', { name: 'Add rule' }))
    const post = calls.find((c) => c.method === 'POST')
    expect(post?.body).toMatchObject({
      name: 'Night desk',
      escalateTo: 'rotation',
      escalateToRotationId: rotation.id,
      escalateAfterMinutes: 45,
      notificationChannels: ['in_app'],
    })
    // the new rule is listed and selected
    expect(await screen.findByRole('form', { name: 'Rule: Night desk' })).toBeTruthy()
    expect(screen.getByRole('button', { name: /Night desk/, current: true })).toBeTruthy()
  })

  it('[11.2.3] sets how long a firing may wait for "I\'m on it", and where it goes at the top of the chain', async () => {
    const calls = fakeServer({
      [`PUT /api/tickets/escalation-rules/r1?spaceId=${SPACE}`]: (body) => ({
        status: 200,
        body: { rule: rule(body as Partial<EscalationRule>) },
      }),
    })
    const user = userEvent.setup()
    renderPanel([rule()])
    await user.click(screen.getByRole('button', { name: /Waiting an hour/ }))
    const form = screen.getByRole('form', { name: 'Rule: Waiting an hour' })
    // a fallback without a deadline could never be used: the browser says so first
    await user.selectOptions(
      within(form).getByLabelText('With no next level, go to'),
      'specific_user',
    )
    await user.selectOptions(within(form).getByLabelText('Fallback: person'), U(2))
    await user.click(within(form).getByRole('button', { name: 'Save rule' }))
    expect(within(form).getByRole('alert').textContent).toBe(
      'A fallback needs “Acknowledge within” minutes.',
    )
    expect(calls.filter((c) => c.method === 'PUT')).toEqual([])

    await user.type(
      within(form).getByRole('spinbutton', { name: 'Acknowledge within (minutes)' }),
      '5',
    )
    await user.click(within(form).getByRole('button', { name: 'Save rule' }))
    expect(calls.find((c) => c.method === 'PUT')?.body).toMatchObject({
      acknowledgeWithinMinutes: 5,
      fallback: {
        escalateTo: 'specific_user',
        escalateToUserId: U(2),
        escalateToTeamId: null,
        recipientEmail: null,
      },
    })
    expect(await within(form).findByText('Saved.')).toBeTruthy()
  })

  it('[6.1] deletes a rule only after the confirmation', async () => {
    const calls = fakeServer({
      [`DELETE /api/tickets/escalation-rules/r1?spaceId=${SPACE}`]: () => ({
        status: 200,
        body: { deleted: true },
      }),
    })
    const user = userEvent.setup()
    renderPanel([rule()])
    await user.click(screen.getByRole('button', { name: /Waiting an hour/ }))
    await user.click(screen.getByRole('button', { name: 'Delete…' }))
    let dialog = screen.getByRole('alertdialog', { name: 'Delete the rule “Waiting an hour”?' })
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)

    await user.click(screen.getByRole('button', { name: 'Delete…' }))
    dialog = screen.getByRole('alertdialog')
    await user.click(within(dialog).getByRole('button', { name: 'Delete rule' }))
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1)
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(screen.queryByRole('button', { name: /Waiting an hour/ })).toBeNull()
    expect(screen.getByText(/No rules yet/)).toBeTruthy()
  })

  it('[6.1] switches a rule off from the list', async () => {
    const calls = fakeServer({
      [`PUT /api/tickets/escalation-rules/r1?spaceId=${SPACE}`]: (body) => ({
        status: 200,
        body: { rule: rule(body as Partial<EscalationRule>) },
      }),
    })
    const user = userEvent.setup()
    renderPanel([rule()])
    await user.click(screen.getByRole('switch', { name: 'Waiting an hour enabled' }))
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ enabled: false })
    expect(await screen.findByText('Off', { selector: '.tag' })).toBeTruthy()
  })

  it('shows the server’s refusal at the field it names', async () => {
    fakeServer({
      [`PUT /api/tickets/escalation-rules/r1?spaceId=${SPACE}`]: () => ({
        status: 400,
        body: {
          error: {
            code: 'VALIDATION',
            message: 'escalateToUserId: no such member in this space',
            field: 'escalateToUserId',
          },
        },
      }),
    })
    const user = userEvent.setup()
    renderPanel([rule({ escalateTo: 'specific_user', escalateToUserId: U(1) })])
    await user.click(screen.getByRole('button', { name: /Waiting an hour/ }))
    await user.click(screen.getByRole('button', { name: 'Save rule' }))
    expect((await screen.findByRole('alert')).textContent).toBe('No such member in this space.')
    expect(screen.getByLabelText('Person').getAttribute('aria-invalid')).toBe('true')
  })

  it('lets agents read the rules without changing them', async () => {
    const user = userEvent.setup()
    renderPanel([rule()], false)
    expect(screen.queryByRole('button', { name: 'Add rule' })).toBeNull()
    expect(
      screen.getByRole('switch', { name: 'Waiting an hour enabled' }).matches(':disabled'),
    ).toBe(true)
    await user.click(screen.getByRole('button', { name: /Waiting an hour/ }))
    expect(screen.getByRole('textbox', { name: 'Name' }).matches(':disabled')).toBe(true)
    expect(screen.queryByRole('button', { name: 'Save rule' })).toBeNull()
  })
})
