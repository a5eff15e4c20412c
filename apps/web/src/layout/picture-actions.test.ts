import { afterEach, describe, expect, it, vi } from 'vitest'
import { setProfilePicture } from './picture-actions.js'

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
})
