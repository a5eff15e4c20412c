import type { EscalationTarget, GroupDto, RotationDto, SpaceMemberDto } from '@flare/protocol'

export const TARGET_LABEL: Record<EscalationTarget, string> = {
  assigned: 'The assignee (inbox admins when unassigned)',
  manager: "The assignee's manager",
  team: 'A team',
  specific_user: 'A specific person',
  rotation: 'An on-call rotation',
  email: 'An email address',
  phone: 'A phone number',
}

export interface Directory {
  members: SpaceMemberDto[]
  groups: GroupDto[]
  rotations: RotationDto[]
}

export function memberName(directory: Directory, userId: string | null | undefined): string | null {
  if (!userId) return null
  return directory.members.find((m) => m.userId === userId)?.displayName ?? null
}

/** Who a rule reaches, in words, for the list and the preview. */
export function describeTarget(
  target: {
    escalateTo: EscalationTarget
    escalateToTeamId?: string | null
    escalateToUserId?: string | null
    escalateToRotationId?: string | null
    recipientEmail?: string | null
    recipientPhone?: string | null
  },
  directory: Directory,
): string {
  switch (target.escalateTo) {
    case 'assigned':
      return 'the assignee (or the inbox admins when unassigned)'
    case 'manager':
      return "the assignee's manager"
    case 'team': {
      const group = directory.groups.find((g) => g.id === target.escalateToTeamId)
      return group ? `the team ${group.name}` : 'a team (choose one)'
    }
    case 'specific_user':
      return memberName(directory, target.escalateToUserId) ?? 'a person (choose one)'
    case 'rotation': {
      const rotation = directory.rotations.find((r) => r.id === target.escalateToRotationId)
      if (!rotation) return 'a rotation (choose one)'
      const next = memberName(directory, rotation.memberIds[rotation.nextIndex])
      return next ? `${next} (next on ${rotation.name})` : `the next person on ${rotation.name}`
    }
    case 'email':
      return target.recipientEmail || 'an email address'
    case 'phone':
      return target.recipientPhone || 'a phone number'
  }
}

/** "60 min", "4 h", "1 h 30 min". */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`
  const h = Math.floor(minutes / 60)
  return minutes % 60 ? `${h} h ${minutes % 60} min` : `${h} h`
}
