import type { MemberRole, PresenceUpdate, SpaceSnapshot } from '@flare/protocol/client'
import { announce, useFlare } from './store/index.js'

/** Your own role as presence lists it, or null while the snapshot does not list you. */
export function ownRoleIn(snapshot: SpaceSnapshot): MemberRole | null {
  return snapshot.members.find((m) => m.userId === snapshot.you)?.role ?? null
}

/** Your new role if these presence changes bring a `joined` of you (an admin changed it). */
export function ownRoleAmong(updates: readonly PresenceUpdate[], you: string): MemberRole | null {
  let role: MemberRole | null = null
  for (const u of updates) if (u.kind === 'joined' && u.member.userId === you) role = u.member.role
  return role
}

/**
 * Makes the page act on the role the server now gives you (SPEC §1.5.5): an admin changed it
 * and presence told the space, you included. "My role" is the loaded space's `role` (and the
 * space's entry in `me`), which every control that depends on it reads, so those appear or go
 * at once; the supervisor's view gives way to the map when you may no longer see it. Said to
 * screen readers unless `quietly` (the space's own answer just landed: nothing the member saw
 * changed).
 */
export function followOwnRole(role: MemberRole, options: { quietly?: boolean } = {}): void {
  const { spaceId, space, me, mainView } = useFlare.getState()
  const spaceStale = space.status === 'ready' && space.value.role !== role
  const mine = me.status === 'ready' ? me.value?.spaces.find((m) => m.id === spaceId) : undefined
  const meStale = mine !== undefined && mine.role !== role
  if (!spaceStale && !meStale) return
  // the server now refuses what the view asks for: leave it rather than show its errors
  const leaveSupervisor = role === 'agent' && mainView === 'supervisor'
  useFlare.setState((s) => ({
    space: s.space.status === 'ready' ? { ...s.space, value: { ...s.space.value, role } } : s.space,
    me:
      s.me.status === 'ready' && s.me.value
        ? {
            ...s.me,
            value: {
              ...s.me.value,
              spaces: s.me.value.spaces.map((m) => (m.id === spaceId ? { ...m, role } : m)),
            },
          }
        : s.me,
    mainView: leaveSupervisor ? 'space' : s.mainView,
  }))
  if (!spaceStale || options.quietly) return
  announce(
    leaveSupervisor
      ? `Your role is now ${role}. The supervisor's view is for admins and managers: back to the map.`
      : `Your role is now ${role}`,
  )
}
