import type { SpaceMemberDto } from '@flare/protocol/client'
import { useFlare } from '../store/index.js'

/** A member's picture changed (here or in another tab, or someone else's): show it everywhere. */
export function applyMemberUpdate(member: SpaceMemberDto): void {
  useFlare.setState((s) => {
    const space =
      s.space.status === 'ready'
        ? {
            ...s.space,
            value: {
              ...s.space.value,
              members: s.space.value.members.map((m) => (m.userId === member.userId ? member : m)),
            },
          }
        : s.space
    const me =
      s.me.status === 'ready' && s.me.value?.user.id === member.userId
        ? {
            ...s.me,
            value: { ...s.me.value, user: { ...s.me.value.user, pictureUrl: member.pictureUrl } },
          }
        : s.me
    return { space, me }
  })
}
