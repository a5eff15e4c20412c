import { describe, expect, it } from 'vitest'
import {
  applyRuleDefaults,
  type EscalationRuleCreate,
  type EscalationRuleFields,
  type ResolvedRuleCreate,
  validateRuleInput,
  validateRuleUpdate,
} from './escalation-rule.js'

// the body of seed 004's POST request, as a client would send it
const seedBody = JSON.parse(`{
  "name": "Urgent Ticket Escalation",
  "description": "Escalate urgent tickets after 30 minutes",
  "enabled": true,
  "priority": "urgent",
  "conditions": [
    { "field": "status", "operator": "not_equals", "value": "resolved" },
    { "field": "status", "operator": "not_equals", "value": "closed" }
  ],
  "escalateAfterMinutes": 30,
  "escalateTo": "manager",
  "notificationChannels": ["email", "slack"],
  "addInternalNote": true,
  "internalNoteTemplate": "Ticket escalated to manager after 30 minutes without resolution"
}`)

const minimal = {
  name: 'Waiting too long',
  enabled: true,
  priority: 'all',
  escalateAfterMinutes: 60,
  notificationChannels: ['in_app'],
}

/** A body whose team is named by id, as the server makes it before storing. */
function resolved(body: EscalationRuleCreate): ResolvedRuleCreate {
  const { escalateToTeamId, ...rest } = body
  if (typeof escalateToTeamId === 'number') throw new Error('a team number needs the server')
  return { ...rest, escalateToTeamId }
}

function refusedField(r: ReturnType<typeof validateRuleInput>): string | undefined {
  if (r.ok) throw new Error('expected a refusal')
  expect(r.error.code).toBe('VALIDATION')
  return r.error.field
}

describe('validateRuleInput', () => {
  it('[9] accepts the seed-004 create body verbatim', () => {
    const r = validateRuleInput(seedBody)
    expect(r).toEqual({ ok: true, value: seedBody })
  })

  it('[6.1] fills the documented defaults', () => {
    const r = validateRuleInput(minimal)
    if (!r.ok) throw new Error(r.error.message)
    const stored = applyRuleDefaults(resolved(r.value))
    expect(stored).toMatchObject({
      chain: 'default',
      clock: 'waiting',
      businessHoursOnly: true,
      escalateTo: 'assigned',
      conditions: [],
      repeatEveryMinutes: null,
      inboxId: null,
      addInternalNote: false,
      action: null,
      notificationChannels: ['in_app'],
    })
    const byAction = validateRuleInput({
      ...minimal,
      notificationChannels: undefined,
      action: 'email',
    })
    if (!byAction.ok) throw new Error(byAction.error.message)
    expect(applyRuleDefaults(resolved(byAction.value)).notificationChannels).toEqual(['email'])
  })

  it.each([
    ['team', 'escalateToTeamId'],
    ['specific_user', 'escalateToUserId'],
    ['rotation', 'escalateToRotationId'],
    ['email', 'recipientEmail'],
    ['phone', 'recipientPhone'],
  ])('[6.1] escalateTo %s needs %s', (target, field) => {
    expect(refusedField(validateRuleInput({ ...minimal, escalateTo: target }))).toBe(field)
    expect(refusedField(validateRuleInput({ ...minimal, escalateTo: target, [field]: null }))).toBe(
      field,
    )
  })

  it('[6.1] accepts a target with its field', () => {
    const teamId = '0b8d7f0e-4c1a-4e51-9a3e-5a0d2f6c7b11'
    expect(validateRuleInput({ ...minimal, escalateTo: 'team', escalateToTeamId: teamId }).ok).toBe(
      true,
    )
    expect(
      validateRuleInput({ ...minimal, escalateTo: 'phone', recipientPhone: '+14155550100' }).ok,
    ).toBe(true)
    expect(refusedField(validateRuleInput({ ...minimal, recipientPhone: '555-0100' }))).toBe(
      'recipientPhone',
    )
  })

  it('[6.1] refuses ids that are not UUIDs, naming the field', () => {
    for (const field of [
      'escalateToTeamId',
      'escalateToUserId',
      'escalateToRotationId',
      'inboxId',
    ]) {
      expect(refusedField(validateRuleInput({ ...minimal, [field]: 'x' }))).toBe(field)
    }
  })

  it('[6.1] without channels or an action, and without enabled, a rule is on and in-app', () => {
    const { notificationChannels: _, enabled: _e, ...bare } = minimal
    const r = validateRuleInput(bare)
    if (!r.ok) throw new Error(r.error.message)
    expect(applyRuleDefaults(resolved(r.value))).toMatchObject({
      enabled: true,
      notificationChannels: ['in_app'],
    })
    expect(refusedField(validateRuleInput({ ...minimal, notificationChannels: [] }))).toBe(
      'notificationChannels',
    )
  })

  it("[8.1.4] accepts seed 004's SLA-aligned request verbatim, its team named by number", () => {
    const sla = {
      name: 'Urgent - First Response SLA Escalation',
      priority: 'urgent',
      escalateAfterMinutes: 12,
      conditions: [
        { field: 'slaStatus', operator: 'equals', value: 'at_risk' },
        { field: 'firstResponseTime', operator: 'equals', value: null },
      ],
      escalateTo: 'team',
      escalateToTeamId: 1,
    }
    expect(validateRuleInput(sla)).toEqual({ ok: true, value: sla })
    expect(refusedField(validateRuleInput({ ...sla, escalateToTeamId: 0 }))).toBe(
      'escalateToTeamId',
    )
  })

  it('[6.1] refuses a missing required field, naming it', () => {
    const { name: _, ...noName } = minimal
    expect(refusedField(validateRuleInput(noName))).toBe('name')
    expect(refusedField(validateRuleInput({ ...minimal, escalateAfterMinutes: 0 }))).toBe(
      'escalateAfterMinutes',
    )
    expect(refusedField(validateRuleInput({ ...minimal, priority: 'critical' }))).toBe('priority')
    expect(refusedField(validateRuleInput({ ...minimal, clock: 'wall' }))).toBe('clock')
  })

  it('[6.1] checks conditions: operators against values and fields', () => {
    const withCondition = (field: string, operator: string, value: unknown) =>
      validateRuleInput({ ...minimal, conditions: [{ field, operator, value }] })
    expect(withCondition('assignedToUserId', 'equals', null).ok).toBe(true)
    expect(withCondition('status', 'not_in', ['resolved', 'closed']).ok).toBe(true)
    expect(withCondition('categoryId', 'equals', 5).ok).toBe(true)
    expect(withCondition('customerTag', 'contains', 'vip').ok).toBe(true)
    expect(withCondition('escalationLevel', 'in', [0, 1]).ok).toBe(true)
    expect(refusedField(withCondition('status', 'in', 'open'))).toBe('conditions.0.value')
    expect(refusedField(withCondition('status', 'equals', ['open']))).toBe('conditions.0.value')
    expect(refusedField(withCondition('status', 'equals', 'pending'))).toBe('conditions.0.value')
    expect(refusedField(withCondition('priority', 'contains', 'urg'))).toBe('conditions.0.operator')
    expect(refusedField(withCondition('escalationLevel', 'equals', -1))).toBe('conditions.0.value')
    expect(refusedField(withCondition('status', 'equals', null))).toBe('conditions.0.value')
    expect(refusedField(withCondition('priority', 'in', ['high', 'meh']))).toBe(
      'conditions.0.value.1',
    )
    expect(withCondition('firstResponseTime', 'equals', null).ok).toBe(true)
    expect(refusedField(withCondition('firstResponseTime', 'equals', 'soon'))).toBe(
      'conditions.0.value',
    )
    expect(refusedField(withCondition('slaStatus', 'equals', 'late'))).toBe('conditions.0.value')
    expect(refusedField(withCondition('nextReplyTime', 'equals', null))).toBe('conditions.0.field')
  })

  it('refuses unknown fields rather than dropping them', () => {
    expect(validateRuleInput({ ...minimal, threshold: 5 }).ok).toBe(false)
  })
})

describe('validateRuleUpdate', () => {
  const stored = applyRuleDefaults(minimal as Parameters<typeof applyRuleDefaults>[0])

  it('[6.1] judges the merged rule', () => {
    expect(validateRuleUpdate({ escalateAfterMinutes: 90 }, stored).ok).toBe(true)
    const r = validateRuleUpdate({ escalateTo: 'team' }, stored)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.field).toBe('escalateToTeamId')
    const team: EscalationRuleFields = { ...stored, escalateTo: 'team', escalateToTeamId: 't-9' }
    expect(validateRuleUpdate({ name: 'Renamed' }, team).ok).toBe(true)
  })

  it('refuses an empty update', () => {
    expect(validateRuleUpdate({}, stored).ok).toBe(false)
  })
})
