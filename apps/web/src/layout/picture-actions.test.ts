import { afterEach, describe, expect, it, vi } from 'vitest'
import { cropOf, setProfilePicture } from './picture-actions.js'

afterEach(() => vi.unstubAllGlobals())

describe('choosing a profile picture', () => {
  it('[2.6] refuses SVG (it can carry script) and huge files before reading or sending them', async () => {
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const bitmap = vi.fn()
    vi.stubGlobal('createImageBitmap', bitmap)
    const svg = new File(['<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'], 'me.svg', {
      type: 'image/svg+xml',
    })
    expect(await setProfilePicture(svg)).toBe('Choose a PNG, JPEG, WebP or GIF picture.')
    const huge = new File([new Uint8Array(11 * 1024 * 1024)], 'me.png', { type: 'image/png' })
    expect(await setProfilePicture(huge)).toBe('That picture is larger than 10 MB.')
    expect(bitmap).not.toHaveBeenCalled()
    expect(fetch).not.toHaveBeenCalled()
  })

  it('[2.6] the square is as large as the shorter side, placed along the longer one', () => {
    expect(cropOf(400, 200, 0)).toEqual({ x: 0, y: 0, side: 200 })
    expect(cropOf(400, 200, 0.5)).toEqual({ x: 100, y: 0, side: 200 })
    expect(cropOf(400, 200, 1)).toEqual({ x: 200, y: 0, side: 200 })
    expect(cropOf(200, 500, 0.2)).toEqual({ x: 0, y: 60, side: 200 })
    // out of range or not a number: kept inside the picture, centred
    expect(cropOf(400, 200, 7)).toEqual({ x: 200, y: 0, side: 200 })
    expect(cropOf(400, 200, Number.NaN)).toEqual({ x: 100, y: 0, side: 200 })
  })
})
