import { describe, expect, it } from 'vitest'
import { searchMentionables, userHandle } from './mentions.js'

const space = {
  members: [
    { userId: 'u1', displayName: 'Dana Reyes', role: 'agent' as const, managerUserId: null },
    { userId: 'u2', displayName: 'Eli Novak', role: 'agent' as const, managerUserId: null },
    { userId: 'u3', displayName: 'Zoë Tiernan', role: 'manager' as const, managerUserId: null },
  ],
  groups: [
    { id: 'g1', name: 'Tier 1 support', handle: 'tier1', memberIds: ['u1', 'u2'] },
    { id: 'g2', name: 'Supervisors', handle: 'supervisors', memberIds: ['u3'] },
  ],
}

describe('searchMentionables', () => {
  it('finds users and groups, prefix matches first', () => {
    expect(searchMentionables(space, '@ti').map((m) => m.handle)).toEqual(['tier1', 'zoë.tiernan'])
  })

  it('ignores accents and case', () => {
    expect(searchMentionables(space, 'ZOE').map((m) => m.id)).toEqual(['u3'])
  })

  it('leaves out excluded users (the raiser never notifies themselves)', () => {
    expect(searchMentionables(space, 'dana', { excludeUserIds: ['u1'] })).toEqual([])
  })

  it('lists everyone for an empty query, up to the limit', () => {
    expect(searchMentionables(space, '', { limit: 3 })).toHaveLength(3)
  })

  it('makes handles from display names', () => {
    expect(userHandle('  Dana   Reyes ')).toBe('dana.reyes')
  })
})
