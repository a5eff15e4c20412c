import { useEffect } from 'react'
import { loadSession } from '../actions.js'
import { settingsSpaceId, usePathname } from '../automation/navigation.js'
import { SettingsPage } from '../automation/SettingsPage.js'
import { DeliveryLogPage, deliveriesSpaceId } from '../notifications/DeliveryLogPage.js'
import { useFlare } from '../store/index.js'
import { LoginPage } from './LoginPage.js'
import { SpacePage } from './SpacePage.js'

/** The spaceId in `/spaces/:spaceId`, if the address names one. */
function spaceIdFromPath(pathname: string): string | null {
  return pathname.match(/^\/spaces\/([^/]+)/)?.[1] ?? null
}

export function App() {
  const me = useFlare((s) => s.me)
  const pathname = usePathname()

  useEffect(() => {
    void loadSession()
  }, [])

  if (me.status === 'idle' || me.status === 'loading') {
    return (
      <main className="centered" aria-busy="true">
        <p className="muted">Loading Flare…</p>
      </main>
    )
  }
  if (me.status === 'error') {
    return (
      <main className="centered">
        <div role="alert" className="card">
          <p>{me.message}</p>
          <button type="button" onClick={() => void loadSession()}>
            Try again
          </button>
        </div>
      </main>
    )
  }
  if (!me.value) return <LoginPage />

  const wanted = spaceIdFromPath(pathname)
  const space = me.value.spaces.find((s) => s.id === wanted) ?? me.value.spaces[0]
  if (!space) {
    return (
      <main className="centered">
        <div className="card">
          <h1>No spaces yet</h1>
          <p>You are not a member of any space. Ask an admin to add you.</p>
        </div>
      </main>
    )
  }
  if (space.id === wanted && deliveriesSpaceId(pathname) === space.id) {
    return <DeliveryLogPage spaceId={space.id} user={me.value.user} />
  }
  if (space.id === wanted && settingsSpaceId(pathname) === space.id) {
    return <SettingsPage spaceId={space.id} user={me.value.user} />
  }
  return <SpacePage spaceId={space.id} user={me.value.user} />
}
