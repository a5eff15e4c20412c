import { describe, expect, it } from 'vitest'
import { GroupCreate } from './api.js'
import { isGroupHandle, MAX_GROUP_HANDLE_LENGTH } from './group-rules.js'
import { parse } from './validate.js'

describe('group handles', () => {
  it('[1.5.5] takes lower-case letters, digits, dots, dashes and underscores inside', () => {
    for (const handle of ['tier1', 'supervisors', 'night-shift', 'team.a', 'on_call', 'x', '7']) {
      expect(isGroupHandle(handle), handle).toBe(true)
    }
  })

  it('[1.5.5] refuses capitals, spaces, @, punctuation at either end and over 40 characters', () => {
    for (const handle of [
      '',
      'Tier1',
      'tier 1',
      '@tier1',
      'tier1.',
      '-tier1',
      'tiér',
      'x'.repeat(MAX_GROUP_HANDLE_LENGTH + 1),
    ]) {
      expect(isGroupHandle(handle), handle).toBe(false)
    }
  })

  it('[1.5.5] the browser check and the server schema agree', () => {
    for (const handle of ['tier1', 'night-shift', 'Tier1', 'tier1.', 'x'.repeat(41)]) {
      const parsed = parse(GroupCreate, { name: 'A', handle, memberIds: [] })
      expect(parsed.ok, handle).toBe(isGroupHandle(handle))
    }
  })
})
