import { render, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { EscalationHistory } from './EscalationHistory.js'

const DANA = '0b6c7a52-0000-4000-8000-0000000000d1'
const MAX = '0b6c7a52-0000-4000-8000-0000000000d2'

describe('EscalationHistory', () => {
  it('[6.3.5] lists each escalation newest first: level, rule, when, to whom and why', () => {
    render(
      <EscalationHistory
        names={
          new Map([
            [DANA, 'Dana Reyes'],
            [MAX, 'Max Manager'],
          ])
        }
        history={[
          {
            escalatedAt: '2026-11-23T10:05:00.000Z',
            ruleId: 'r1',
            ruleName: 'Waiting 5 minutes',
            escalatedFrom: DANA,
            escalatedTo: DANA,
            escalationType: 'assigned',
            reason: 'Customer waiting 5 minutes without a reply',
            level: 1,
          },
          {
            escalatedAt: '2026-11-23T10:15:00.000Z',
            ruleId: 'r2',
            ruleName: 'Waiting 15 minutes',
            escalatedFrom: DANA,
            escalatedTo: MAX,
            escalationType: 'manager',
            reason: 'Customer waiting 15 minutes without a reply',
            level: 2,
          },
        ]}
      />,
    )
    const items = within(screen.getByRole('list', { name: 'Escalation history' })).getAllByRole(
      'listitem',
    )
    expect(items.map((i) => i.querySelector('.escalation-history-rule')?.textContent)).toEqual([
      'Waiting 15 minutes',
      'Waiting 5 minutes',
    ])
    expect(items[0]?.textContent).toContain('Level 2')
    expect(items[0]?.textContent).toContain(
      'To Max Manager (assigned to Dana Reyes): Customer waiting 15 minutes without a reply',
    )
    expect(items[1]?.textContent).toContain('To Dana Reyes: Customer waiting 5 minutes')
  })

  it('[6.3.5] names a team by its group and never shows a raw id', () => {
    const TEAM = '0b6c7a52-0000-4000-8000-0000000000e1'
    const GONE = '0b6c7a52-0000-4000-8000-0000000000e2'
    render(
      <EscalationHistory
        names={new Map([[TEAM, 'Tier 1 support (@tier1)']])}
        history={[
          {
            escalatedAt: '2026-11-23T10:05:00.000Z',
            ruleId: 'r1',
            ruleName: 'To the team',
            escalatedFrom: GONE,
            escalatedTo: TEAM,
            escalationType: 'team',
            reason: 'Waiting',
            level: 1,
          },
        ]}
      />,
    )
    const list = screen.getByRole('list', { name: 'Escalation history' })
    expect(list.textContent).toContain(
      'To Tier 1 support (@tier1) (assigned to someone no longer in the space)',
    )
    expect(list.textContent).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/)
  })

  it('shows nothing for a ticket that never escalated', () => {
    const { container } = render(<EscalationHistory history={[]} names={new Map()} />)
    expect(container.textContent).toBe('')
  })
})
