import type { UserDto } from '@flare/protocol/client'
import { lazy, Suspense } from 'react'
import { logOut } from '../actions.js'
import { followLink } from '../automation/navigation.js'
import { StatusPicker } from '../components/StatusPicker.js'
import { setSoundPreference } from '../hands/hand-actions.js'
import { useFlare } from '../store/index.js'
import { ThemePicker } from './ThemePicker.js'

const PictureEditor = lazy(() =>
  import('./PictureEditor.js').then((m) => ({ default: m.PictureEditor })),
)

/** The phone's "Me": your status, sound, theme, settings and logging out. */
export function MePanel({ spaceId, user }: { spaceId: string; user: UserDto }) {
  const sound = useFlare((s) =>
    s.me.status === 'ready' ? (s.me.value?.user.preferences.sound ?? true) : true,
  )
  return (
    <section className="me-panel" aria-labelledby="me-heading">
      <h2 id="me-heading">{user.displayName}</h2>
      <p className="muted small">{user.email}</p>
      <Suspense fallback={<p className="muted small">Loading your picture…</p>}>
        <PictureEditor user={user} />
      </Suspense>
      <div className="me-row">
        <span>Status</span>
        <StatusPicker />
      </div>
      <div className="me-row">
        <span>Theme</span>
        <ThemePicker />
      </div>
      <button
        type="button"
        className="secondary"
        aria-pressed={sound}
        onClick={() => void setSoundPreference(!sound)}
      >
        {sound ? 'Sound on' : 'Sound off'}
      </button>
      <a
        className="button-link secondary"
        href={`/spaces/${spaceId}/settings`}
        onClick={followLink}
      >
        Settings
      </a>
      <button type="button" className="secondary" onClick={() => void logOut()}>
        Log out
      </button>
    </section>
  )
}
