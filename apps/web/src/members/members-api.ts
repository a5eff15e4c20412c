import type {
  DeletedResponse,
  GroupCreate,
  GroupResponse,
  GroupUpdate,
  MemberCreate,
  MemberResponse,
  MemberRole,
} from '@flare/protocol/client'
import { fetchApi } from '../api.js'

const space = (spaceId: string) => `/spaces/${encodeURIComponent(spaceId)}`
const member = (spaceId: string, userId: string) =>
  `${space(spaceId)}/members/${encodeURIComponent(userId)}`
const group = (spaceId: string, groupId: string) =>
  `${space(spaceId)}/groups/${encodeURIComponent(groupId)}`

/** Members and groups of a space (SPEC §1.5.5, admins only); only the members actions use it. */
export const membersApi = {
  addMember: (spaceId: string, body: MemberCreate) =>
    fetchApi<MemberResponse>('POST', `${space(spaceId)}/members`, body),
  changeRole: (spaceId: string, userId: string, role: MemberRole) =>
    fetchApi<MemberResponse>('PATCH', member(spaceId, userId), { role }),
  removeMember: (spaceId: string, userId: string) =>
    fetchApi<undefined>('DELETE', member(spaceId, userId)),
  createGroup: (spaceId: string, body: GroupCreate) =>
    fetchApi<GroupResponse>('POST', `${space(spaceId)}/groups`, body),
  updateGroup: (spaceId: string, groupId: string, body: GroupUpdate) =>
    fetchApi<GroupResponse>('PATCH', group(spaceId, groupId), body),
  deleteGroup: (spaceId: string, groupId: string) =>
    fetchApi<DeletedResponse>('DELETE', group(spaceId, groupId)),
}
