import type { SpaceResponse } from '@flare/protocol/client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../api.js'
import { resetStore, useFlare } from '../store/index.js'
import { demoSpace, U } from '../test/demo-space.js'
import {
  applyGroupDeleted,
  applyGroupUpdate,
  applyMemberRemoved,
  applyMemberUpdate,
  followDirectoryVersion,
} from './member-update.js'

const space = demoSpace

function directory(): Pick<SpaceResponse, 'members' | 'groups'> {
  const s = useFlare.getState().space
  if (s.status !== 'ready') throw new Error('no space')
  return { members: s.value.members, groups: s.value.groups }
}

describe("the space's members and groups, kept live (SPEC §1.5.5)", () => {
  beforeEach(() => useFlare.setState({ space: { status: 'ready', value: space } }))
  afterEach(() => resetStore())

  it('[1.5.5] a new member is added, a changed one replaced in place', () => {
    const ines = {
      userId: U(4),
      displayName: 'Ines Park',
      role: 'agent' as const,
      managerUserId: null,
      pictureUrl: null,
    }
    applyMemberUpdate(ines)
    expect(directory().members.map((m) => m.displayName)).toEqual([
      'Dana Reyes',
      'Eli Novak',
      'Max Manager',
      'Ines Park',
    ])
    applyMemberUpdate({ ...ines, role: 'manager' })
    expect(directory().members.filter((m) => m.userId === U(4))).toEqual([
      { ...ines, role: 'manager' },
    ])
  })

  it('[1.5.5] a removed member leaves the list and every group', () => {
    applyMemberRemoved(U(2))
    expect(directory().members.map((m) => m.userId)).toEqual([U(1), U(3)])
    expect(directory().groups.map((g) => g.memberIds)).toEqual([[U(1)], [U(3)]])
  })

  it('[1.5.5] groups are created, replaced and deleted', () => {
    const night = { id: U(10), name: 'Night shift', handle: 'night', memberIds: [U(1)] }
    applyGroupUpdate(night)
    expect(directory().groups.map((g) => g.handle)).toEqual(['tier1', 'supervisors', 'night'])
    applyGroupUpdate({ ...night, name: 'Late shift', memberIds: [U(1), U(3)] })
    expect(directory().groups[2]).toEqual({ ...night, name: 'Late shift', memberIds: [U(1), U(3)] })
    applyGroupDeleted(U(7))
    expect(directory().groups.map((g) => g.handle)).toEqual(['supervisors', 'night'])
  })

  it('[1.5.5] a change while the space is loading reads the space once more when it lands', async () => {
    useFlare.setState({ spaceId: U(9), space: { status: 'loading' } })
    applyGroupDeleted(U(7))
    applyMemberRemoved(U(1))
    expect(useFlare.getState().space).toEqual({ status: 'loading' })
    const read = vi
      .spyOn(api, 'space')
      .mockResolvedValue({ ...space, groups: [], directoryVersion: 2 })
    try {
      // the answer lands, read before the change, and no snapshot counts it yet
      useFlare.setState({ space: { status: 'ready', value: { ...space, directoryVersion: 2 } } })
      followDirectoryVersion(2)
      expect(read).toHaveBeenCalledTimes(1)
      await vi.waitFor(() => expect(directory().groups).toEqual([]))
      // once only
      followDirectoryVersion(2)
      expect(read).toHaveBeenCalledTimes(1)
    } finally {
      read.mockRestore()
    }
  })

  it('[1.5.5] a snapshot counting more changes than the page has reads the space again, once at a time', async () => {
    useFlare.setState({
      spaceId: U(9),
      space: { status: 'ready', value: { ...space, directoryVersion: 4 } },
    })
    const newer: SpaceResponse = { ...space, groups: [], directoryVersion: 6 }
    let answer: (value: SpaceResponse) => void = () => {}
    const read = vi.spyOn(api, 'space').mockImplementation(
      () =>
        new Promise<SpaceResponse>((resolve) => {
          answer = resolve
        }),
    )
    try {
      // the same count, or an older one: nothing to read
      followDirectoryVersion(4)
      followDirectoryVersion(3)
      followDirectoryVersion(undefined)
      expect(read).not.toHaveBeenCalled()
      // newer: one read, however many snapshots say so meanwhile
      followDirectoryVersion(5)
      followDirectoryVersion(6)
      expect(read).toHaveBeenCalledTimes(1)
      expect(read).toHaveBeenCalledWith(U(9))
      answer(newer)
      await vi.waitFor(() => expect(directory().groups).toEqual([]))
      // the answer counts 6: the snapshot that asked again is already covered
      useFlare.setState({ snapshot: null })
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(read).toHaveBeenCalledTimes(1)
    } finally {
      read.mockRestore()
    }
  })
})
