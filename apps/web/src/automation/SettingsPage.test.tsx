import type { MemberRole, UserDto } from '@flare/protocol'
import { render, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { demoSpace, U } from '../test/demo-space.js'
import { fakeServer } from '../test/fake-server.js'
import { SettingsPage } from './SettingsPage.js'

const SPACE = demoSpace.space.id
const dana: UserDto = {
  id: U(1),
  email: 'dana@flare.test',
  displayName: 'Dana Reyes',
  phone: null,
  preferences: { emailNotifications: true, sound: true, push: false },
}

/** The page as `role` sees it, the space already open (the settings' own reads answer 404). */
function renderAs(role: MemberRole) {
  useFlare.setState({
    spaceId: SPACE,
    space: { status: 'ready', value: { ...demoSpace, role } },
    me: { status: 'ready', value: { user: dana, spaces: [] } },
  })
  render(<SettingsPage spaceId={SPACE} user={dana} />)
}

function sectionLinks() {
  const nav = screen.getByRole('navigation', { name: 'On this page' })
  return within(nav)
    .getAllByRole('link')
    .map((link) => ({ href: link.getAttribute('href') ?? '', text: link.textContent ?? '' }))
}

beforeEach(() => {
  fakeServer({})
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the settings page', () => {
  it('[7.5] puts your own notifications first, sound included, before anything of the space', () => {
    renderAs('agent')
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)
    expect(headings.slice(0, 2)).toEqual(['Your notifications', 'On this page'])
    const mine = screen.getByRole('group', { name: 'Your notifications' })
    expect(within(mine).getByRole('checkbox', { name: 'Play the alert sound' })).toBeTruthy()
  })

  it.each([
    [
      'agent' as const,
      [
        'Your notifications',
        'Business hours (read only)',
        'SLA policies (read only)',
        'Escalation rules (read only)',
        'On-call rotations (read only)',
        'Inboxes (read only)',
      ],
    ],
    [
      'manager' as const,
      [
        'Your notifications',
        'Business hours',
        'SLA policies',
        'Escalation rules',
        'On-call rotations',
        'Inboxes',
        'Notifications',
      ],
    ],
    [
      'admin' as const,
      [
        'Your notifications',
        'Business hours',
        'SLA policies',
        'Escalation rules',
        'On-call rotations',
        'Inboxes',
        'Notifications',
        'Members & groups',
      ],
    ],
  ])('lists the sections a %s sees, each link to its own heading', (role, expected) => {
    renderAs(role)
    const links = sectionLinks()
    expect(links.map((l) => l.text)).toEqual(expected)
    for (const { href, text } of links) {
      expect(href).toMatch(/^#/)
      const target = document.getElementById(href.slice(1))
      expect(target?.tagName, href).toBe('H2')
      expect(text.startsWith(target?.textContent ?? '∅'), href).toBe(true)
    }
  })

  it('marks what an agent can only read, and not what a manager can change', () => {
    renderAs('agent')
    expect(screen.getAllByText('Read only')).toHaveLength(5)
    expect(screen.queryByRole('heading', { name: 'Notifications', level: 2 })).toBeNull()
  })

  it('marks nothing read only for a manager', () => {
    renderAs('manager')
    expect(screen.queryAllByText('Read only')).toHaveLength(0)
    expect(screen.getByRole('heading', { name: 'Notifications', level: 2 })).toBeTruthy()
  })
})
