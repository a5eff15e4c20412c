import { useState } from 'react'
import { useFlare } from '../store/index.js'
import { BellIcon } from './icons.js'
import { hasBeenWelcomed, markWelcomed } from './layout-actions.js'
import { PHONE_QUERY, STACKED_QUERY, useMediaQuery } from './useMediaQuery.js'

type Permission = NotificationPermission | 'unsupported'

function currentPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
}

/**
 * The first login's explanation, at the top of the Hands tab: how the space works, how alerts
 * reach you, and a plain request for notification permission (asked only when pressed, as
 * browsers prefer). It never blocks the page, and does not return once closed on this device.
 */
export function WelcomeCard() {
  const user = useFlare((s) => (s.me.status === 'ready' ? (s.me.value?.user ?? null) : null))
  const [closed, setClosed] = useState(() => (user ? hasBeenWelcomed(user.id) : true))
  const [permission, setPermission] = useState<Permission>(currentPermission)
  const phone = useMediaQuery(PHONE_QUERY)
  const stacked = useMediaQuery(STACKED_QUERY)
  if (!user || closed) return null

  function close() {
    if (user) markWelcomed(user.id)
    setClosed(true)
  }

  async function allow() {
    const answer = await Notification.requestPermission()
    setPermission(answer)
    if (answer !== 'default') close()
  }

  return (
    <section className="welcome" aria-labelledby="welcome-heading">
      <h3 id="welcome-heading" className="welcome-title">
        Welcome to Flare, {user.displayName.split(' ')[0]}
      </h3>
      {phone ? (
        // a phone has no keyboard to learn and no top right: the same, said for a thumb
        <ul>
          <li>Tap the floor to walk; you start at your desk.</li>
          <li>
            Need help? <strong>Escalation</strong> raises your hand; an urgent one also alerts the
            people you choose.
          </li>
          <li>Alerts for you appear here, at the top.</li>
        </ul>
      ) : (
        <ul>
          <li>
            You start at your desk. Click the floor, or focus the map and use the arrow keys, to
            walk.
          </li>
          <li>
            Need help? Press <strong>Escalation</strong> to raise your hand. An urgent hand also
            notifies the people you choose, with a sound.
          </li>
          <li>
            Alerts for you appear {stacked ? 'under the map' : 'at the top right'}. <kbd>Alt+1</kbd>{' '}
            reaches the newest, even while you type.
          </li>
        </ul>
      )}
      {permission === 'default' ? (
        <>
          <p className="small">
            <BellIcon /> Flare can also alert you when this tab is in the background.
          </p>
          <div className="welcome-actions">
            <button type="button" className="small" onClick={() => void allow()}>
              Allow notifications
            </button>
            <button type="button" className="secondary small" onClick={close}>
              Not now
            </button>
          </div>
        </>
      ) : (
        <div className="welcome-actions">
          {permission === 'denied' && (
            <p className="small muted">
              Notifications are blocked for this site; the browser's site settings can allow them.
            </p>
          )}
          <button type="button" className="secondary small" onClick={close}>
            Got it
          </button>
        </div>
      )}
    </section>
  )
}
