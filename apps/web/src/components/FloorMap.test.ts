import { describe, expect, it } from 'vitest'
import { initialsOf } from './FloorMap.js'

describe('initialsOf', () => {
  it('takes the first letters of the first and last names', () => {
    expect(initialsOf('Dana Reyes')).toBe('DR')
    expect(initialsOf('Ana María de la Cruz')).toBe('AC')
    expect(initialsOf('  gus  ')).toBe('G')
  })

  it('keeps a letter made of several code units whole', () => {
    expect(initialsOf('𝒜da Lovelace')).toBe('𝒜L')
  })
})
