import type { GroupDto, SpaceMemberDto, SpaceResponse } from '@flare/protocol/client'
import { api } from '../api.js'
import { useFlare } from '../store/index.js'

/**
 * A change arrived while the space was still loading: its answer may have been read before the
 * change, and so may the snapshot's count, so the space is read once more when it lands.
 */
let changedWhileLoading = false

/** The open space's directory with `change` applied; nothing while it is not loaded. */
function changeDirectory(
  change: (space: SpaceResponse) => Partial<Pick<SpaceResponse, 'members' | 'groups'>>,
): void {
  if (useFlare.getState().space.status === 'loading') changedWhileLoading = true
  useFlare.setState((s) =>
    s.space.status === 'ready'
      ? { space: { ...s.space, value: { ...s.space.value, ...change(s.space.value) } } }
      : {},
  )
}

/** `list` with `item` in place of the one with the same key, or added at the end. */
function upsert<T>(list: readonly T[], item: T, same: (a: T) => boolean): T[] {
  return list.some(same) ? list.map((x) => (same(x) ? item : x)) : [...list, item]
}

/**
 * A member was added to the space, or their name, role or picture changed (here or in another
 * tab, or someone else's): the pickers, mentions and names show it at once.
 */
export function applyMemberUpdate(member: SpaceMemberDto): void {
  changeDirectory((space) => ({
    members: upsert(space.members, member, (m) => m.userId === member.userId),
  }))
  useFlare.setState((s) =>
    s.me.status === 'ready' && s.me.value?.user.id === member.userId
      ? {
          me: {
            ...s.me,
            value: { ...s.me.value, user: { ...s.me.value.user, pictureUrl: member.pictureUrl } },
          },
        }
      : {},
  )
}

/** A member was removed from the space, and so from its groups. */
export function applyMemberRemoved(userId: string): void {
  changeDirectory((space) => ({
    members: space.members.filter((m) => m.userId !== userId),
    groups: space.groups.map((g) =>
      g.memberIds.includes(userId)
        ? { ...g, memberIds: g.memberIds.filter((id) => id !== userId) }
        : g,
    ),
  }))
}

/** A group was created or changed. */
export function applyGroupUpdate(group: GroupDto): void {
  changeDirectory((space) => ({ groups: upsert(space.groups, group, (g) => g.id === group.id) }))
}

/** A group was deleted. */
export function applyGroupDeleted(groupId: string): void {
  changeDirectory((space) => ({ groups: space.groups.filter((g) => g.id !== groupId) }))
}

let reading: Promise<void> | null = null
let readAgain = false

/**
 * A snapshot (or the space's own answer arriving after one) counts more changes to the members
 * and groups than this page has seen, or one arrived while the space was loading: it happened
 * while the page was away or loading, so it reads the space again, one read at a time (SPEC
 * §1.5.5). Events applied since the page read the space
 * leave its count behind, so a reconnect after a change reads once more, for nothing.
 */
export function followDirectoryVersion(version: number | undefined): void {
  const s = useFlare.getState()
  if (s.spaceId === null || s.space.status !== 'ready') return
  const behind = version !== undefined && version > (s.space.value.directoryVersion ?? 0)
  if (!behind && !changedWhileLoading) return
  changedWhileLoading = false
  if (reading) {
    readAgain = true
    return
  }
  const spaceId = s.spaceId
  reading = api
    .space(spaceId)
    .then((value) => {
      const now = useFlare.getState()
      if (now.spaceId === spaceId && now.space.status === 'ready')
        useFlare.setState({ space: { status: 'ready', value } })
    })
    // the next snapshot tries again
    .catch(() => {})
    .finally(() => {
      reading = null
      if (!readAgain) return
      readAgain = false
      followDirectoryVersion(useFlare.getState().snapshot?.directoryVersion)
    })
}
