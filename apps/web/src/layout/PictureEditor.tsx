import type { UserDto } from '@flare/protocol/client'
import { type ChangeEvent, useId, useRef, useState } from 'react'
import { Face } from './Face.js'
import { usePictureUrl } from './people.js'
import { PICKABLE_TYPES, removeProfilePicture, setProfilePicture } from './picture-actions.js'

/** Your profile picture: choose one (cut to a square in the browser) or remove it. */
export function PictureEditor({ user }: { user: UserDto }) {
  const input = useRef<HTMLInputElement>(null)
  const hintId = useId()
  const picture = usePictureUrl(user.id)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [done, setDone] = useState('')

  async function run(task: () => Promise<string | null>, success: string) {
    setBusy(true)
    setProblem(null)
    setDone('')
    const result = await task()
    setBusy(false)
    setProblem(result)
    if (!result) setDone(success)
  }

  function onChosen(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (file) void run(() => setProfilePicture(file), 'Your picture is saved.')
  }

  return (
    <div className="picture-editor">
      <Face userId={user.id} name={user.displayName} className="profile-face" />
      <div className="picture-controls">
        <input
          ref={input}
          type="file"
          accept={PICKABLE_TYPES.join(',')}
          hidden
          onChange={onChosen}
          data-testid="picture-input"
        />
        <div className="picture-buttons">
          <button
            type="button"
            className="secondary small"
            aria-describedby={hintId}
            disabled={busy}
            onClick={() => input.current?.click()}
          >
            {picture ? 'Change picture…' : 'Choose a picture…'}
          </button>
          {picture && (
            <button
              type="button"
              className="ghost small"
              disabled={busy}
              onClick={() => void run(removeProfilePicture, 'Your picture is removed.')}
            >
              Remove
            </button>
          )}
        </div>
        <p id={hintId} className="hint muted">
          PNG, JPEG, WebP or GIF; it is cut to a square. Everyone in your spaces sees it.
        </p>
        <p className="hint" role="status">
          {busy ? 'Saving…' : done}
        </p>
        {problem && (
          <p role="alert" className="error small">
            {problem}
          </p>
        )}
      </div>
    </div>
  )
}
