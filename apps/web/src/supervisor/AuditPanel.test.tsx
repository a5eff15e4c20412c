import type { AuditEntryDto } from '@flare/protocol/client'
import { render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { AuditEntryView } from './AuditPanel.js'
import type { AuditDirectory } from './audit-words.js'

const INBOX = 'c99f1d21-0000-4000-8000-000000000001'
const GONE_INBOX = 'c99f1d21-0000-4000-8000-000000000002'
const DANA = 'c99f1d21-0000-4000-8000-0000000000d1'
const TEAM = 'c99f1d21-0000-4000-8000-0000000000e1'
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-/i

const directory: AuditDirectory = {
  members: [
    {
      userId: DANA,
      displayName: 'Dana Reyes',
      role: 'agent',
      managerUserId: null,
      pictureUrl: null,
    },
  ],
  groups: [{ id: TEAM, name: 'Supervisors', handle: 'supervisors', memberIds: [DANA] }],
  rotations: [],
  rotationsLoaded: false,
  inboxes: [{ id: INBOX, name: 'Support SMS' }],
}

const stored = {
  name: 'Fast email+sms for urgent tickets',
  description: null,
  enabled: true,
  inboxId: INBOX,
  priority: 'all',
  chain: 'default',
  conditions: [{ field: 'status', operator: 'equals', value: 'open' }],
  clock: 'waiting',
  escalateAfterMinutes: 90,
  repeatEveryMinutes: null,
  businessHoursOnly: true,
  escalateTo: 'specific_user',
  escalateToTeamId: null,
  escalateToUserId: DANA,
  escalateToRotationId: null,
  recipientEmail: null,
  recipientPhone: null,
  notificationChannels: ['in_app', 'email', 'sms'],
  action: null,
  addInternalNote: false,
  internalNoteTemplate: null,
  acknowledgeWithinMinutes: null,
  fallback: null,
}

function entry(change: Partial<AuditEntryDto>): AuditEntryDto {
  return {
    id: 'a1',
    at: '2026-11-23T10:00:00.000Z',
    actor: { userId: DANA, displayName: 'Dana Reyes' },
    action: 'update',
    kind: 'escalation_rule',
    entityId: 'r1',
    label: stored.name,
    before: null,
    after: null,
    changes: [],
    ...change,
  }
}

function rowsOf(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? ''))
}

describe('the audit log in words', () => {
  it('[8.4.1] names fields as the settings do, ids by name and codes in words', () => {
    const after = {
      ...stored,
      inboxId: GONE_INBOX,
      chain: 'default',
      clock: 'age',
      escalateTo: 'team',
      escalateToUserId: null,
      escalateToTeamId: TEAM,
    }
    render(
      <ul>
        <AuditEntryView
          entry={entry({
            before: stored,
            after,
            changes: [
              { path: 'inboxId', before: INBOX, after: GONE_INBOX },
              { path: 'clock', before: 'waiting', after: 'age' },
              { path: 'escalateTo', before: 'specific_user', after: 'team' },
              { path: 'escalateToTeamId', before: null, after: TEAM },
              { path: 'escalateToUserId', before: DANA, after: null },
            ],
          })}
          directory={directory}
        />
      </ul>,
    )
    const table = screen.getByRole('table', { name: /What changed/ })
    expect(rowsOf(table)).toEqual([
      ['Inbox', 'Support SMS', 'an inbox that was deleted'],
      [
        'Clock',
        'Waiting on staff (from the first unanswered customer message)',
        'Ticket age (from when it opened)',
      ],
      ['Escalate to', 'A specific person', 'A team'],
      ['Team', '—', 'Supervisors'],
      ['Person', 'Dana Reyes', '—'],
    ])
    expect(table.textContent).not.toMatch(UUID)
    expect(table.textContent).not.toMatch(/specific_user|inboxId|escalateTo/)
  })

  it('[8.4.1] shows only the changed fields; the rest wait behind "Show all fields"', async () => {
    render(
      <ul>
        <AuditEntryView
          entry={entry({
            before: stored,
            after: { ...stored, escalateAfterMinutes: 120 },
            changes: [{ path: 'escalateAfterMinutes', before: 90, after: 120 }],
          })}
          directory={directory}
        />
      </ul>,
    )
    expect(rowsOf(screen.getByRole('table', { name: /What changed/ }))).toEqual([
      ['Threshold', '1 h 30 min', '2 h'],
    ])
    const more = screen.getByText('Show all fields')
    expect(more.closest('details')?.open).toBe(false)
    await userEvent.setup().click(more)
    const rest = rowsOf(screen.getByRole('table', { name: /Unchanged/ }))
    expect(rest).toContainEqual(['Chain', 'The default chain'])
    expect(rest).toContainEqual(['Conditions', 'Status is Open'])
    expect(rest).toContainEqual(['Channels', 'In-app pop-up, Email, SMS'])
    expect(rest).toContainEqual(['Count business hours only', 'Yes'])
    expect(rest.flat().join(' ')).not.toMatch(UUID)
  })

  it('[8.4.1] a new rule shows its first fields and keeps the others behind the disclosure', () => {
    const changes = Object.entries(stored).map(([path, after]) => ({ path, before: null, after }))
    render(
      <ul>
        <AuditEntryView
          entry={entry({ action: 'create', after: stored, changes })}
          directory={directory}
        />
      </ul>,
    )
    const first = rowsOf(screen.getByRole('table', { name: /Its fields/ }))
    expect(first).toEqual([
      ['Name', 'Fast email+sms for urgent tickets'],
      ['Enabled', 'Yes'],
      ['Inbox', 'Support SMS'],
      ['Ticket priority', 'Every priority'],
    ])
    // the empty ones (description, email…) are not listed at all
    expect(screen.getByText(/more\)/).textContent).toBe('(9 more)')
  })
})
