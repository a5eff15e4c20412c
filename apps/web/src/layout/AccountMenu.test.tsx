import type { MemberPresence, SpaceSnapshot } from '@flare/protocol'
import { act, render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { asDana, DANA, SPACE } from '../chat/chat-fixtures.js'
import { TopBar } from '../components/TopBar.js'
import { useFlare } from '../store/index.js'
import { AccountMenu } from './AccountMenu.js'

// what the menu sends: a status over the socket, and logging out
const sent: { status: string[]; logOuts: number; refuse: string | null } = {
  status: [],
  logOuts: 0,
  refuse: null,
}
vi.mock('../socket.js', () => ({
  setStatus: async (status: string) => {
    sent.status.push(status)
    return sent.refuse
      ? { ok: false, error: { code: 'RATE_LIMITED', message: sent.refuse } }
      : { ok: true }
  },
}))
vi.mock('../actions.js', () => ({
  logOut: async () => {
    sent.logOuts += 1
  },
}))

const dana: MemberPresence = {
  userId: DANA,
  displayName: 'Dana Reyes',
  role: 'agent',
  x: 10,
  y: 10,
  status: 'busy',
  roomId: null,
  connected: true,
}

function user() {
  const me = useFlare.getState().me
  if (me.status !== 'ready' || !me.value) throw new Error('no Dana')
  return me.value.user
}

/** Dana's status as presence brings it. */
function danaIs(status: MemberPresence['status']): void {
  const snapshot = useFlare.getState().snapshot
  if (!snapshot) throw new Error('no snapshot')
  useFlare.setState({ snapshot: { ...snapshot, members: [{ ...dana, status }] } })
}

/** A window this wide, as `matchMedia` answers the top bar's `(width < 1000px)`. */
function windowWidth(width: number): void {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: query === '(width < 1000px)' ? width < 1000 : false,
    media: query,
    addEventListener() {},
    removeEventListener() {},
  }))
}

beforeEach(() => {
  sent.status.length = 0
  sent.logOuts = 0
  sent.refuse = null
  asDana()
  const snapshot: SpaceSnapshot = {
    protocolVersion: 1,
    spaceId: SPACE,
    serverTime: '2026-11-23T10:00:00.000Z',
    you: DANA,
    members: [dana],
    rooms: [],
    escalations: [],
  }
  useFlare.setState({ snapshot, theme: 'system' })
})
afterEach(() => {
  vi.unstubAllGlobals()
})

const button = () => screen.getByRole('button', { name: 'Dana Reyes, agent, busy: your account' })
const itemsIn = (menu: HTMLElement) => [
  ...menu.querySelectorAll('[role="menuitem"], [role="menuitemradio"]'),
]
const focused = () => document.activeElement?.textContent?.trim()

describe('the account menu in the top bar', () => {
  it('[10.5] is a menu button: Enter opens it on its first item, with profile, theme and log out', async () => {
    const keys = userEvent.setup()
    render(<AccountMenu user={user()} statusInMenu={false} />)
    expect(button().getAttribute('aria-haspopup')).toBe('menu')
    expect(button().getAttribute('aria-expanded')).toBe('false')
    expect(screen.queryByRole('menu')).toBeNull()

    await keys.tab()
    expect(document.activeElement).toBe(button())
    await keys.keyboard('{Enter}')
    const menu = screen.getByRole('menu', { name: 'Your account' })
    expect(button().getAttribute('aria-expanded')).toBe('true')
    expect(button().getAttribute('aria-controls')).toBe(menu.id)
    expect(focused()).toBe('Profile')
    expect(itemsIn(menu).map((item) => item.textContent)).toEqual([
      'Profile',
      'System',
      'Light',
      'Dark',
      'Log out',
    ])
    const theme = within(menu).getByRole('group', { name: 'Theme' })
    expect(
      within(theme)
        .getAllByRole('menuitemradio')
        .map((item) => [item.textContent, item.getAttribute('aria-checked')]),
    ).toEqual([
      ['System', 'true'],
      ['Light', 'false'],
      ['Dark', 'false'],
    ])
    // only the item with focus is reached by Tab's order: the arrow keys move inside
    for (const item of itemsIn(menu)) {
      expect(item.getAttribute('tabindex')).toBe('-1')
    }
    // not offered here: the status stays in a wide bar
    expect(within(menu).queryByRole('group', { name: 'Your status' })).toBeNull()
  })

  it('[10.5] arrow keys, Home, End and a first letter move through the items, wrapping', async () => {
    const keys = userEvent.setup()
    render(<AccountMenu user={user()} statusInMenu={false} />)
    button().focus()
    await keys.keyboard('{ArrowDown}')
    expect(focused()).toBe('Profile')
    await keys.keyboard('{ArrowDown}{ArrowDown}')
    expect(focused()).toBe('Light')
    await keys.keyboard('{End}')
    expect(focused()).toBe('Log out')
    await keys.keyboard('{ArrowDown}')
    expect(focused()).toBe('Profile')
    await keys.keyboard('{ArrowUp}')
    expect(focused()).toBe('Log out')
    await keys.keyboard('{Home}')
    expect(focused()).toBe('Profile')
    await keys.keyboard('l')
    expect(focused()).toBe('Light')
    await keys.keyboard('l')
    expect(focused()).toBe('Log out')
    await keys.keyboard('d')
    expect(focused()).toBe('Dark')
  })

  it('[10.5] Escape closes it and gives focus back to the button; ArrowUp opens it on the last item', async () => {
    const keys = userEvent.setup()
    render(<AccountMenu user={user()} statusInMenu={false} />)
    button().focus()
    await keys.keyboard('{ArrowUp}')
    expect(focused()).toBe('Log out')
    await keys.keyboard('{Escape}')
    expect(screen.queryByRole('menu')).toBeNull()
    expect(document.activeElement).toBe(button())
    expect(button().getAttribute('aria-expanded')).toBe('false')
    // Space opens it too, as a button's own key
    await keys.keyboard(' ')
    expect(focused()).toBe('Profile')
  })

  it('[10.5] a click elsewhere or Tab closes it without choosing anything', async () => {
    const keys = userEvent.setup()
    render(
      <>
        <AccountMenu user={user()} statusInMenu={false} />
        <button type="button">Elsewhere</button>
      </>,
    )
    await keys.click(button())
    expect(screen.getByRole('menu')).toBeTruthy()
    await keys.click(document.body)
    expect(screen.queryByRole('menu')).toBeNull()

    await keys.click(button())
    await keys.tab()
    expect(screen.queryByRole('menu')).toBeNull()
    expect(useFlare.getState().theme).toBe('system')
    expect(sent.logOuts).toBe(0)
    // a second click on the button closes what the first opened
    await keys.click(button())
    await keys.click(button())
    expect(screen.queryByRole('menu')).toBeNull()
  })

  it('[10.5] choosing a theme applies it and closes the menu, focus back on the button', async () => {
    const keys = userEvent.setup()
    render(<AccountMenu user={user()} statusInMenu={false} />)
    button().focus()
    await keys.keyboard('{Enter}')
    await keys.keyboard('d{Enter}')
    expect(useFlare.getState().theme).toBe('dark')
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(screen.queryByRole('menu')).toBeNull()
    expect(document.activeElement).toBe(button())
    await keys.keyboard('{Enter}')
    expect(screen.getByRole('menuitemradio', { name: 'Dark' }).getAttribute('aria-checked')).toBe(
      'true',
    )
  })

  it('[10.5][2.6] Profile opens your profile; Log out logs you out', async () => {
    const keys = userEvent.setup()
    render(<AccountMenu user={user()} statusInMenu={false} />)
    button().focus()
    await keys.keyboard('{Enter}{Enter}')
    expect(await screen.findByRole('dialog', { name: 'Your profile' })).toBeTruthy()
    await keys.click(screen.getByRole('button', { name: 'Done' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(button())

    await keys.keyboard('{ArrowUp}{Enter}')
    expect(sent.logOuts).toBe(1)
  })

  it('[10.5] in a narrow bar it holds your status: the current one checked, another one sent', async () => {
    const keys = userEvent.setup()
    render(<AccountMenu user={user()} statusInMenu />)
    button().focus()
    await keys.keyboard('{Enter}')
    const group = screen.getByRole('group', { name: 'Your status' })
    expect(
      within(group)
        .getAllByRole('menuitemradio')
        .map((item) => [item.textContent, item.getAttribute('aria-checked')]),
    ).toEqual([
      ['Available', 'false'],
      ['Busy', 'true'],
      ['Away', 'false'],
    ])
    expect(focused()).toBe('Available')
    await keys.keyboard('{Enter}')
    expect(sent.status).toEqual(['available'])
    expect(screen.queryByRole('menu')).toBeNull()

    // a refusal is shown beside the button, not lost with the closed menu
    sent.refuse = 'Too many status changes'
    await keys.keyboard('{Enter}{ArrowDown}{ArrowDown}{Enter}')
    expect(sent.status).toEqual(['available', 'away'])
    expect((await screen.findByRole('alert')).textContent).toBe('Too many status changes')
  })
})

describe('the top bar at each width', () => {
  it('[10.5] from 1000 px the status picker stays in the bar and the menu does not repeat it', async () => {
    windowWidth(1024)
    const keys = userEvent.setup()
    render(<TopBar spaceId={SPACE} user={user()} compact={false} />)
    expect(screen.getByRole('combobox', { name: 'Your status' })).toBeTruthy()
    await keys.click(button())
    expect(screen.queryByRole('group', { name: 'Your status' })).toBeNull()
    // what used to crowd the bar is in the menu only
    expect(screen.queryByRole('combobox', { name: 'Theme' })).toBeNull()
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent)).toEqual([
      'Profile',
      'Log out',
    ])
  })

  it('[10.5] below 1000 px, and on a phone, the status moves into the menu', async () => {
    for (const [width, compact] of [
      [999, false],
      [360, true],
    ] as const) {
      windowWidth(width)
      const keys = userEvent.setup()
      const { unmount } = render(<TopBar spaceId={SPACE} user={user()} compact={compact} />)
      expect(screen.queryByRole('combobox', { name: 'Your status' })).toBeNull()
      await keys.click(button())
      const group = screen.getByRole('group', { name: 'Your status' })
      expect(within(group).getByRole('menuitemradio', { name: 'Busy' })).toBeTruthy()
      // the status changes live, and the menu follows
      act(() => danaIs('away'))
      expect(
        within(group).getByRole('menuitemradio', { name: 'Away' }).getAttribute('aria-checked'),
      ).toBe('true')
      unmount()
      danaIs('busy')
    }
  })
})
