import { ApiRequestError, api } from './api.js'
import { followDirectoryVersion } from './layout/member-update.js'
import { followOwnRole, ownRoleIn } from './own-role.js'
import { connectToSpace, disconnectFromSpace } from './socket.js'
import { resetStore, useFlare } from './store/index.js'

function messageOf(error: unknown): string {
  return error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.'
}

/** Finds out who is logged in (if anyone) when the app starts. */
export async function loadSession(): Promise<void> {
  useFlare.setState({ me: { status: 'loading' } })
  try {
    useFlare.setState({ me: { status: 'ready', value: await api.me() } })
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 401) {
      useFlare.setState({ me: { status: 'ready', value: null } })
    } else {
      useFlare.setState({ me: { status: 'error', message: messageOf(error) } })
    }
  }
}

/** Logs in; resolves to an error message for the form, or null on success. */
export async function logIn(email: string, password: string): Promise<string | null> {
  try {
    await api.login({ email, password })
  } catch (error) {
    return messageOf(error)
  }
  await loadSession()
  return null
}

export async function logOut(): Promise<void> {
  disconnectFromSpace()
  try {
    await api.logout()
  } finally {
    resetStore()
    useFlare.setState({ me: { status: 'ready', value: null } })
  }
}

/** Opens a space: its details over REST, its live state over Socket.IO. */
export async function openSpace(spaceId: string): Promise<void> {
  if (useFlare.getState().spaceId === spaceId) return
  useFlare.setState({ spaceId, space: { status: 'loading' } })
  connectToSpace(spaceId)
  try {
    const value = await api.space(spaceId)
    if (useFlare.getState().spaceId !== spaceId) return
    useFlare.setState({ space: { status: 'ready', value } })
    // presence is kept live and may have a role newer than this answer read (SPEC §1.5.5)
    const snapshot = useFlare.getState().snapshot
    const live = snapshot ? ownRoleIn(snapshot) : null
    if (live) followOwnRole(live, { quietly: true })
    // and a snapshot that came first may count a change of members or groups this answer missed
    followDirectoryVersion(snapshot?.directoryVersion)
  } catch (error) {
    if (useFlare.getState().spaceId === spaceId)
      useFlare.setState({ space: { status: 'error', message: messageOf(error) } })
  }
}
