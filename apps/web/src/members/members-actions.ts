import type {
  ApiError,
  GroupCreate,
  GroupDto,
  MemberRole,
  SpaceMemberDto,
  SpaceResponse,
} from '@flare/protocol/client'
import { problemOf } from '../api.js'
import { announce, useFlare } from '../store/index.js'
import { membersApi } from './members-api.js'

// The members feature's actions: the only code of the "Members & groups" settings that talks to
// the server. Each success updates the space in the store, so the admin's own page (the map,
// the pickers) shows it at once.

/** A write's outcome for a form: null on success, else the server's error (with its field). */
export type MemberProblem = ApiError | null

const NO_SPACE: ApiError = { code: 'INTERNAL', message: 'Not in a space.' }

function byName(a: SpaceMemberDto, b: SpaceMemberDto): number {
  return a.displayName.localeCompare(b.displayName)
}

function updateSpace(change: (space: SpaceResponse) => SpaceResponse): void {
  useFlare.setState((s) =>
    s.space.status === 'ready' ? { space: { status: 'ready', value: change(s.space.value) } } : {},
  )
}

/** Runs a write for the current space; a refusal comes back as the problem to show. */
async function write(run: (spaceId: string) => Promise<void>): Promise<MemberProblem> {
  const spaceId = useFlare.getState().spaceId
  if (!spaceId) return NO_SPACE
  try {
    await run(spaceId)
    return null
  } catch (error) {
    return problemOf(error)
  }
}

export function addMember(email: string, role: MemberRole): Promise<MemberProblem> {
  return write(async (spaceId) => {
    const { member } = await membersApi.addMember(spaceId, { email, role })
    updateSpace((s) => ({
      ...s,
      members: [...s.members.filter((m) => m.userId !== member.userId), member].sort(byName),
    }))
    announce(`${member.displayName} added as ${member.role}`)
  })
}

export function changeMemberRole(userId: string, role: MemberRole): Promise<MemberProblem> {
  return write(async (spaceId) => {
    const { member } = await membersApi.changeRole(spaceId, userId, role)
    const me = useFlare.getState().me
    const myId = me.status === 'ready' ? me.value?.user.id : undefined
    updateSpace((s) => ({
      ...s,
      // an admin who gives up their own role loses this page's admin parts at once
      role: member.userId === myId ? member.role : s.role,
      members: s.members.map((m) => (m.userId === member.userId ? member : m)),
    }))
    announce(`${member.displayName} is now ${member.role}`)
  })
}

export function removeMember(member: SpaceMemberDto): Promise<MemberProblem> {
  return write(async (spaceId) => {
    await membersApi.removeMember(spaceId, member.userId)
    // the server takes them out of the space's groups in the same transaction
    updateSpace((s) => ({
      ...s,
      members: s.members.filter((m) => m.userId !== member.userId),
      groups: s.groups.map((g) => ({
        ...g,
        memberIds: g.memberIds.filter((id) => id !== member.userId),
      })),
    }))
    announce(`${member.displayName} removed from the space`)
  })
}

function storeGroup(group: GroupDto): void {
  updateSpace((s) => ({
    ...s,
    groups: [...s.groups.filter((g) => g.id !== group.id), group].sort((a, b) =>
      a.handle.localeCompare(b.handle),
    ),
  }))
}

/** Creates a group (no id) or replaces a group's name, handle and members. */
export function saveGroup(groupId: string | null, body: GroupCreate): Promise<MemberProblem> {
  return write(async (spaceId) => {
    const { group } = groupId
      ? await membersApi.updateGroup(spaceId, groupId, body)
      : await membersApi.createGroup(spaceId, body)
    storeGroup(group)
    announce(`Group @${group.handle} saved`)
  })
}

export function deleteGroup(group: GroupDto): Promise<MemberProblem> {
  return write(async (spaceId) => {
    await membersApi.deleteGroup(spaceId, group.id)
    updateSpace((s) => ({ ...s, groups: s.groups.filter((g) => g.id !== group.id) }))
    announce(`Group @${group.handle} deleted`)
  })
}
