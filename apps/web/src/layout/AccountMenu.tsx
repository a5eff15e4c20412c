import type { PresenceStatus, UserDto } from '@flare/protocol/client'
import {
  type KeyboardEvent,
  lazy,
  type ReactNode,
  Suspense,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react'
import { logOut } from '../actions.js'
import { STATUS_CHOICES, STATUS_LABELS } from '../components/StatusPicker.js'
import { setStatus } from '../socket.js'
import { useFlare } from '../store/index.js'
import { Face } from './Face.js'
import { AwayIcon, BusyIcon, CheckIcon, ChevronDownIcon, LogOutIcon, PersonIcon } from './icons.js'
import { setTheme } from './layout-actions.js'
import { THEME_CHOICES } from './ThemePicker.js'

// the picture editor (canvas, upload) loads on first use, not with every page
const ProfileDialog = lazy(() =>
  import('./ProfileDialog.js').then((m) => ({ default: m.ProfileDialog })),
)

const STATUS_ICONS: Record<PresenceStatus, () => ReactNode> = {
  available: CheckIcon,
  busy: BusyIcon,
  away: AwayIcon,
}

const ITEM_SELECTOR = '[role="menuitem"], [role="menuitemradio"]'

function itemsOf(menu: HTMLElement | null): HTMLElement[] {
  return menu ? [...menu.querySelectorAll<HTMLElement>(ITEM_SELECTOR)] : []
}

/**
 * You, at the right end of every top bar: your face opens a menu (the WAI-ARIA menu button)
 * with your profile, the theme and logging out, and, where the bar has no room for it
 * (`statusInMenu`), your status. Arrow keys, Home and End move, a letter jumps to the item
 * that starts with it, Escape closes and gives focus back to the button; a click elsewhere or
 * Tab closes it.
 */
export function AccountMenu({ user, statusInMenu }: { user: UserDto; statusInMenu: boolean }) {
  const role = useFlare((s) => (s.space.status === 'ready' ? s.space.value.role : null))
  const status = useFlare(
    (s) => s.snapshot?.members.find((m) => m.userId === s.snapshot?.you)?.status,
  )
  const theme = useFlare((s) => s.theme)
  const [open, setOpen] = useState(false)
  // which item takes focus when the menu opens: the first, or the last (ArrowUp on the button)
  const [initial, setInitial] = useState<'first' | 'last'>('first')
  const [profileOpen, setProfileOpen] = useState(false)
  const [statusError, setStatusError] = useState<string | null>(null)
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const menu = useRef<HTMLDivElement>(null)
  const menuId = useId()

  useEffect(() => {
    if (!open) return
    const items = itemsOf(menu.current)
    ;(initial === 'last' ? items[items.length - 1] : items[0])?.focus()
    // a press anywhere else closes the menu and leaves focus where that press puts it
    function onPointerDown(e: PointerEvent) {
      if (e.target instanceof Node && !root.current?.contains(e.target)) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointerDown)
    return () => document.removeEventListener('pointerdown', onPointerDown)
  }, [open, initial])

  function openMenu(at: 'first' | 'last') {
    setInitial(at)
    setOpen(true)
  }

  function close() {
    setOpen(false)
    button.current?.focus()
  }

  /** An item did its work: the menu closes and focus goes back to the button (APG). */
  function activate(action: () => void) {
    close()
    action()
  }

  function onButtonKeyDown(e: KeyboardEvent<HTMLButtonElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      openMenu(e.key === 'ArrowUp' ? 'last' : 'first')
    }
  }

  function onMenuKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const items = itemsOf(menu.current)
    const active = document.activeElement
    const at = active instanceof HTMLElement ? items.indexOf(active) : -1
    const focus = (index: number) => items[(index + items.length) % items.length]?.focus()
    if (e.key === 'ArrowDown') focus(at + 1)
    else if (e.key === 'ArrowUp') focus(at - 1)
    else if (e.key === 'Home') focus(0)
    else if (e.key === 'End') focus(items.length - 1)
    else if (e.key === 'Escape') {
      // the menu is the innermost thing Escape can mean here: the alerts must not hear it too
      e.stopPropagation()
      close()
    } else if (e.key === 'Tab') {
      // focus moves on to the page as Tab says; the menu just goes away
      setOpen(false)
      return
    } else if (e.key.length === 1 && /\S/.test(e.key) && !e.altKey && !e.ctrlKey && !e.metaKey) {
      const letter = e.key.toLowerCase()
      const starts = (i: number) =>
        items[i]?.textContent?.trim().toLowerCase().startsWith(letter) ?? false
      for (let step = 1; step <= items.length; step += 1) {
        const index = (at + step) % items.length
        if (starts(index)) {
          focus(index)
          break
        }
      }
    } else return
    e.preventDefault()
  }

  async function chooseStatus(next: PresenceStatus) {
    const result = await setStatus(next)
    setStatusError(result.ok ? null : result.error.message)
  }

  const label = `${[user.displayName, role, status && STATUS_LABELS[status].toLowerCase()]
    .filter(Boolean)
    .join(', ')}: your account`
  // your status at a glance on your face, as on your avatar: colour and a drawn sign
  const StatusIcon = status ? STATUS_ICONS[status] : null
  return (
    <div className="account" ref={root}>
      <button
        ref={button}
        type="button"
        className={open ? 'who open' : 'who'}
        data-testid="who-am-i"
        title={user.displayName}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? setOpen(false) : openMenu('first'))}
        onKeyDown={onButtonKeyDown}
      >
        <span className="who-face-wrap">
          <Face userId={user.id} name={user.displayName} className="who-face" />
          {StatusIcon && (
            <span className={`who-status status-${status}`}>
              <StatusIcon />
            </span>
          )}
        </span>
        <span className="who-name">{user.displayName}</span>
        {role && <span className="role">{role}</span>}
        <ChevronDownIcon />
      </button>
      {statusError && (
        <span role="alert" className="error account-error">
          {statusError}
        </span>
      )}
      {open && (
        <div className="account-popover">
          <div className="account-head">
            <Face userId={user.id} name={user.displayName} className="account-face" />
            <div className="account-who">
              <span className="account-name">{user.displayName}</span>
              <span className="muted small account-email">{user.email}</span>
            </div>
            {role && <span className="role">{role}</span>}
          </div>
          <div
            ref={menu}
            id={menuId}
            role="menu"
            aria-label="Your account"
            className="menu"
            onKeyDown={onMenuKeyDown}
          >
            {statusInMenu && status && (
              <>
                <fieldset className="menu-group">
                  <legend className="menu-label">Your status</legend>
                  {STATUS_CHOICES.map((choice) => (
                    <MenuRadioItem
                      key={choice}
                      checked={status === choice}
                      className={`status-${choice}`}
                      onSelect={() => activate(() => void chooseStatus(choice))}
                    >
                      <span className="menu-status-dot" />
                      <span className="menu-item-text">{STATUS_LABELS[choice]}</span>
                    </MenuRadioItem>
                  ))}
                </fieldset>
                <hr className="menu-separator" />
              </>
            )}
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              onClick={() => activate(() => setProfileOpen(true))}
            >
              <PersonIcon />
              <span className="menu-item-text">Profile</span>
            </button>
            <hr className="menu-separator" />
            <fieldset className="menu-group">
              <legend className="menu-label">Theme</legend>
              {THEME_CHOICES.map(([value, name]) => (
                <MenuRadioItem
                  key={value}
                  checked={theme === value}
                  onSelect={() => activate(() => setTheme(value))}
                >
                  <span className="menu-item-text">{name}</span>
                </MenuRadioItem>
              ))}
            </fieldset>
            <hr className="menu-separator" />
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              onClick={() => activate(() => void logOut())}
            >
              <LogOutIcon />
              <span className="menu-item-text">Log out</span>
            </button>
          </div>
        </div>
      )}
      {profileOpen && (
        <Suspense fallback={null}>
          <ProfileDialog user={user} onClose={() => setProfileOpen(false)} />
        </Suspense>
      )}
    </div>
  )
}

/** A radio item's place for the tick: drawn on the chosen one, since aria-checked is not seen. */
/** One choice of a group in the menu (a status, a theme), ticked when it is the current one. */
function MenuRadioItem({
  checked,
  className,
  onSelect,
  children,
}: {
  checked: boolean
  className?: string
  onSelect: () => void
  children: ReactNode
}) {
  return (
    <button
      type="button"
      role="menuitemradio"
      aria-checked={checked}
      tabIndex={-1}
      className={className ? `menu-item ${className}` : 'menu-item'}
      onClick={onSelect}
    >
      <span className="menu-check">{checked && <CheckIcon />}</span>
      {children}
    </button>
  )
}
