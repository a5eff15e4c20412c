import type { UserDto } from '@flare/protocol/client'
import { type ChangeEvent, useEffect, useId, useRef, useState } from 'react'
import { Face } from './Face.js'
import { usePictureUrl } from './people.js'
import {
  PICKABLE_TYPES,
  pickProblem,
  removeProfilePicture,
  setProfilePicture,
} from './picture-actions.js'

/** A picture chosen but not saved yet: shown as everyone will see it, to be placed first. */
interface Chosen {
  file: File
  url: string
  /** Its size once the preview has loaded it; null until then. */
  size: { width: number; height: number } | null
}

/** Where along the longer side the square sits, in words, for the slider's screen reader. */
function positionWords(focus: number, wide: boolean): string {
  if (focus <= 15) return wide ? 'left edge' : 'top edge'
  if (focus >= 85) return wide ? 'right edge' : 'bottom edge'
  return focus === 50 ? 'centre' : `${focus}% of the way ${wide ? 'across' : 'down'}`
}

/**
 * Your profile picture: choose one, see it as everyone will (cut to a circle from a square of
 * it) and move it along its longer side before saving; or remove it. Nothing is saved until
 * you say so: a picture chosen by mistake never shows to anyone.
 */
export function PictureEditor({ user }: { user: UserDto }) {
  const input = useRef<HTMLInputElement>(null)
  const hintId = useId()
  const positionId = useId()
  const picture = usePictureUrl(user.id)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [done, setDone] = useState('')
  const [chosen, setChosen] = useState<Chosen | null>(null)
  const [focus, setFocus] = useState(50)

  // the preview's object URL lives as long as the preview does
  useEffect(() => {
    if (!chosen) return
    const { url } = chosen
    return () => URL.revokeObjectURL(url)
  }, [chosen])

  async function run(task: () => Promise<string | null>, success: string) {
    setBusy(true)
    setProblem(null)
    setDone('')
    const result = await task()
    setBusy(false)
    setProblem(result)
    if (!result) {
      setDone(success)
      setChosen(null)
    }
  }

  function onChosen(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file) return
    const refused = pickProblem(file)
    setProblem(refused)
    setDone('')
    if (refused) return
    setFocus(50)
    setChosen({ file, url: URL.createObjectURL(file), size: null })
  }

  const size = chosen?.size ?? null
  const wide = size ? size.width > size.height : true
  const slack = size !== null && size.width !== size.height

  return (
    <div className="picture-editor">
      {chosen ? (
        <img
          className="profile-face picture-preview"
          src={chosen.url}
          alt="Your new picture, as others will see it"
          style={{ objectPosition: wide ? `${focus}% 50%` : `50% ${focus}%` }}
          onLoad={(e) => {
            const { naturalWidth: width, naturalHeight: height } = e.currentTarget
            setChosen((c) => (c && c.url === chosen.url ? { ...c, size: { width, height } } : c))
          }}
          onError={() => {
            setChosen(null)
            setProblem('That picture could not be read. Try another one.')
          }}
        />
      ) : (
        <Face userId={user.id} name={user.displayName} className="profile-face" />
      )}
      <div className="picture-controls">
        <input
          ref={input}
          type="file"
          accept={PICKABLE_TYPES.join(',')}
          hidden
          onChange={onChosen}
          data-testid="picture-input"
        />
        {chosen ? (
          <>
            {slack && (
              <div className="picture-position">
                <label htmlFor={positionId}>Position</label>
                <input
                  id={positionId}
                  type="range"
                  min={0}
                  max={100}
                  step={1}
                  value={focus}
                  aria-valuetext={positionWords(focus, wide)}
                  onChange={(e) => setFocus(Number(e.target.value))}
                />
              </div>
            )}
            <div className="picture-buttons">
              <button
                type="button"
                className="small"
                disabled={busy || size === null}
                onClick={() =>
                  void run(
                    () => setProfilePicture(chosen.file, focus / 100),
                    'Your picture is saved.',
                  )
                }
              >
                Save picture
              </button>
              <button
                type="button"
                className="secondary small"
                disabled={busy}
                onClick={() => input.current?.click()}
              >
                Choose another…
              </button>
              <button
                type="button"
                className="ghost small"
                disabled={busy}
                onClick={() => {
                  setChosen(null)
                  setProblem(null)
                }}
              >
                Cancel
              </button>
            </div>
            <p className="hint muted">
              {slack
                ? 'Move it so your face is in the circle, then save. Nobody sees it until then.'
                : 'Nobody sees it until you save.'}
            </p>
          </>
        ) : (
          <>
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
              PNG, JPEG, WebP or GIF; you place it in a circle before saving. Everyone in your
              spaces sees it.
            </p>
          </>
        )}
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
