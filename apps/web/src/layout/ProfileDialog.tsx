import type { UserDto } from '@flare/protocol/client'
import { ModalDialog } from './ModalDialog.js'
import { PictureEditor } from './PictureEditor.js'

/** You, as others see you: the picture on your avatar; opened from the account menu. */
export function ProfileDialog({ user, onClose }: { user: UserDto; onClose(): void }) {
  return (
    <ModalDialog onClose={onClose} aria-labelledby="profile-heading">
      <h2 id="profile-heading">Your profile</h2>
      <p className="muted small profile-who">
        {user.displayName} · {user.email}
      </p>
      <PictureEditor user={user} />
      <div className="actions">
        <button type="button" className="secondary" onClick={onClose}>
          Done
        </button>
      </div>
    </ModalDialog>
  )
}
