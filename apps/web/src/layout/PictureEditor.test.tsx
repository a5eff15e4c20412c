import type { UserDto } from '@flare/protocol/client'
import { fireEvent, render, screen } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PictureEditor } from './PictureEditor.js'

const saved = vi.hoisted(() => ({ calls: [] as Array<{ name: string; focus: number }> }))
vi.mock('./picture-actions.js', async (original) => ({
  ...(await original<typeof import('./picture-actions.js')>()),
  setProfilePicture: async (file: File, focus: number) => {
    saved.calls.push({ name: file.name, focus })
    return null
  },
}))

const user: UserDto = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'dana@flare.test',
  displayName: 'Dana Reyes',
  pictureUrl: null,
  phone: null,
  preferences: { sound: true, emailNotifications: true, push: false },
}

beforeEach(() => {
  saved.calls.length = 0
  vi.stubGlobal(
    'URL',
    Object.assign(URL, { createObjectURL: () => 'blob:preview', revokeObjectURL: vi.fn() }),
  )
})
afterEach(() => vi.unstubAllGlobals())

/** The preview image as the browser reports it once loaded, `width` by `height`. */
function loaded(width: number, height: number) {
  const img = screen.getByRole('img', { name: 'Your new picture, as others will see it' })
  Object.defineProperty(img, 'naturalWidth', { value: width })
  Object.defineProperty(img, 'naturalHeight', { value: height })
  fireEvent.load(img)
  return img
}

describe('PictureEditor', () => {
  it('[2.6] shows a chosen picture as others will see it, to be placed and saved; nothing is saved before', async () => {
    const u = userEvent.setup()
    render(<PictureEditor user={user} />)
    const wide = new File([new Uint8Array(10)], 'team.png', { type: 'image/png' })
    await u.upload(screen.getByTestId('picture-input'), wide)
    expect(saved.calls).toEqual([])
    const img = loaded(400, 200)
    const position = screen.getByRole('slider', { name: 'Position' })
    expect(position.getAttribute('aria-valuetext')).toBe('centre')
    // the face is on the left of a wide picture: moved there, the preview shows that square
    fireEvent.change(position, { target: { value: '0' } })
    expect(position.getAttribute('aria-valuetext')).toBe('left edge')
    expect(img.style.objectPosition).toBe('0% 50%')
    await u.click(screen.getByRole('button', { name: 'Save picture' }))
    expect(saved.calls).toEqual([{ name: 'team.png', focus: 0 }])
    expect(await screen.findByText('Your picture is saved.')).toBeTruthy()
  })

  it('[2.6] a square picture needs no placing; Cancel leaves everything as it was', async () => {
    const u = userEvent.setup()
    render(<PictureEditor user={user} />)
    await u.upload(
      screen.getByTestId('picture-input'),
      new File([new Uint8Array(10)], 'me.png', { type: 'image/png' }),
    )
    loaded(300, 300)
    expect(screen.queryByRole('slider')).toBeNull()
    await u.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('img', { name: /Your new picture/ })).toBeNull()
    expect(screen.getByRole('button', { name: 'Choose a picture…' })).toBeTruthy()
    expect(saved.calls).toEqual([])
  })

  it('[2.6] refuses an SVG at once, without showing it', async () => {
    const u = userEvent.setup({ applyAccept: false })
    render(<PictureEditor user={user} />)
    await u.upload(
      screen.getByTestId('picture-input'),
      new File(['<svg/>'], 'me.svg', { type: 'image/svg+xml' }),
    )
    expect(screen.getByRole('alert').textContent).toBe('Choose a PNG, JPEG, WebP or GIF picture.')
    expect(screen.queryByRole('img', { name: /Your new picture/ })).toBeNull()
  })
})
