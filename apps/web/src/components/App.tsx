import { lazy, Suspense, useEffect } from 'react'
import { loadSession } from '../actions.js'
import { followLink, settingsSpaceId, usePathname } from '../automation/navigation.js'
import { useFlare } from '../store/index.js'
import { LoginPage } from './LoginPage.js'
import { SpacePage } from './SpacePage.js'

// the settings and delivery pages carry the rule editor and the schema validator: loaded only
// when opened, so the workspace people keep open all day starts lean
const SettingsPage = lazy(() =>
  import('../automation/SettingsPage.js').then((m) => ({ default: m.SettingsPage })),
)
const DeliveryLogPage = lazy(() =>
  import('../notifications/DeliveryLogPage.js').then((m) => ({ default: m.DeliveryLogPage })),
)
// a TV's wallboard needs no login: its own small page, loaded only at /wallboard
const WallboardPage = lazy(() =>
  import('../wallboard/WallboardPage.js').then((m) => ({ default: m.WallboardPage })),
)

/** `/wallboard#<token>`: the read-only board for a TV (SPEC §8.5). */
function isWallboard(pathname: string): boolean {
  return /^\/wallboard\/?$/.test(pathname)
}

/** `/spaces/:spaceId/deliveries`'s space (the delivery log's own matcher, without loading it). */
function deliveriesSpaceId(pathname: string): string | null {
  return pathname.match(/^\/spaces\/([^/]+)\/deliveries\/?$/)?.[1] ?? null
}

function PageLoading({ what }: { what: string }) {
  return (
    <main className="centered" aria-busy="true">
      <p className="muted">Loading {what}…</p>
    </main>
  )
}

/** In place of a page your role does not reach, rather than the server's refusals. */
function ForAdminsAndManagers({ spaceId }: { spaceId: string }) {
  return (
    <main className="centered">
      <div className="card">
        <h1>Delivery log</h1>
        <p>Only admins and managers see the delivery log. Your role in this space is agent.</p>
        <a
          className="button-link secondary"
          href={`/spaces/${spaceId}/settings`}
          onClick={followLink}
        >
          ← Settings
        </a>
      </div>
    </main>
  )
}

/** The spaceId in `/spaces/:spaceId`, if the address names one. */
function spaceIdFromPath(pathname: string): string | null {
  return pathname.match(/^\/spaces\/([^/]+)/)?.[1] ?? null
}

export function App() {
  const pathname = usePathname()
  if (isWallboard(pathname)) {
    return (
      <Suspense fallback={<PageLoading what="the wallboard" />}>
        <WallboardPage />
      </Suspense>
    )
  }
  return <SignedInApp pathname={pathname} />
}

/** Everything but the wallboard: login, then the space and its pages. */
function SignedInApp({ pathname }: { pathname: string }) {
  const me = useFlare((s) => s.me)

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
    // the role as now known: a manager made an agent while on the settings page lands here
    if (space.role === 'agent') return <ForAdminsAndManagers spaceId={space.id} />
    return (
      <Suspense fallback={<PageLoading what="the delivery log" />}>
        <DeliveryLogPage spaceId={space.id} user={me.value.user} />
      </Suspense>
    )
  }
  if (space.id === wanted && settingsSpaceId(pathname) === space.id) {
    return (
      <Suspense fallback={<PageLoading what="the settings" />}>
        <SettingsPage spaceId={space.id} user={me.value.user} />
      </Suspense>
    )
  }
  return <SpacePage spaceId={space.id} user={me.value.user} />
}
