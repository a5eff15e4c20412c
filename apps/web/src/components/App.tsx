import { lazy, Suspense, useEffect } from 'react'
import { loadSession } from '../actions.js'
import { settingsSpaceId, usePathname } from '../automation/navigation.js'
import { useFlare } from '../store/index.js'
import { LoginPage } from './LoginPage.js'
import { SpacePage } from './SpacePage.js'

// the settings pages carry the rule editor and the schema validator: loaded only when opened
const SettingsPage = lazy(() =>
  import('../automation/SettingsPage.js').then((m) => ({ default: m.SettingsPage })),
)

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
  if (space.id === wanted && settingsSpaceId(pathname) === space.id) {
    return (
      <Suspense
        fallback={
          <main className="centered" aria-busy="true">
            <p className="muted">Loading the settings…</p>
          </main>
        }
      >
        <SettingsPage spaceId={space.id} user={me.value.user} />
      </Suspense>
    )
  }
  return <SpacePage spaceId={space.id} user={me.value.user} />
}
