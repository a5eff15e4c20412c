import {
  MAX_PICTURE_BYTES,
  PICTURE_UPLOAD_SIDE,
  type PictureType,
  type PictureUpload,
} from '@flare/protocol/client'
import { ApiRequestError } from '../api.js'
import { useFlare } from '../store/index.js'
import { applyMemberUpdate } from './member-update.js'
import { pictureApi } from './picture-api.js'

// A profile picture (SPEC §2.6): whatever picture a person chooses is cut to a square (centred,
// or where they moved it along the picture's longer side) and drawn at 256 pixels in the browser, then sent as WebP (or PNG where WebP cannot be
// written); the server checks the bytes again. SVG is never read: it can carry script.

/** What the file picker offers; the server stores only PNG, JPEG and WebP. */
export const PICKABLE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const
/** A chosen file larger than this is refused before the browser decodes it. */
export const MAX_CHOSEN_BYTES = 10 * 1024 * 1024

export type PictureProblem = string | null

function isPickable(type: string): boolean {
  return (PICKABLE_TYPES as readonly string[]).includes(type)
}

function encode(canvas: HTMLCanvasElement, type: PictureType, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('encode'))), type, quality),
  )
}

async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

/**
 * The square cut from a `width` by `height` picture: as large as its shorter side, at `focus`
 * along its longer one (0 the left or top edge, 0.5 the middle, 1 the right or bottom edge).
 *
 * @example
 * cropOf(400, 200, 0) // { x: 0, y: 0, side: 200 }
 * cropOf(400, 200, 1) // { x: 200, y: 0, side: 200 }
 */
export function cropOf(
  width: number,
  height: number,
  focus: number,
): { x: number; y: number; side: number } {
  const side = Math.min(width, height)
  const at = Math.min(1, Math.max(0, Number.isFinite(focus) ? focus : 0.5))
  return { x: (width - side) * at, y: (height - side) * at, side }
}

/** The chosen picture as a square of PICTURE_UPLOAD_SIDE pixels (`cropOf`), ready to send. */
async function squareOf(file: File, focus: number): Promise<PictureUpload> {
  const bitmap = await createImageBitmap(file)
  const { x, y, side } = cropOf(bitmap.width, bitmap.height, focus)
  const canvas = document.createElement('canvas')
  canvas.width = PICTURE_UPLOAD_SIDE
  canvas.height = PICTURE_UPLOAD_SIDE
  const context = canvas.getContext('2d')
  if (!context) throw new Error('no canvas')
  context.drawImage(bitmap, x, y, side, side, 0, 0, PICTURE_UPLOAD_SIDE, PICTURE_UPLOAD_SIDE)
  bitmap.close()
  // a browser that cannot write WebP answers PNG instead: send what it really wrote
  for (const [type, quality] of [
    ['image/webp', 0.86],
    ['image/jpeg', 0.82],
  ] as const) {
    const blob = await encode(canvas, type, quality)
    const written =
      blob.type === 'image/webp' || blob.type === 'image/jpeg' ? blob.type : 'image/png'
    if (blob.size <= MAX_PICTURE_BYTES) return { contentType: written, data: await base64Of(blob) }
  }
  throw new Error('too large')
}

function applyOwn(pictureUrl: string | null): void {
  const s = useFlare.getState()
  const me = s.me.status === 'ready' ? s.me.value?.user : null
  if (!me) return
  const member =
    s.space.status === 'ready' ? s.space.value.members.find((m) => m.userId === me.id) : undefined
  if (member) applyMemberUpdate({ ...member, pictureUrl })
  else
    useFlare.setState((state) =>
      state.me.status === 'ready' && state.me.value
        ? {
            me: {
              ...state.me,
              value: { ...state.me.value, user: { ...state.me.value.user, pictureUrl } },
            },
          }
        : {},
    )
}

/** Why a chosen file cannot be a picture (checked before it is read or shown), or null. */
export function pickProblem(file: File): PictureProblem {
  if (!isPickable(file.type)) return 'Choose a PNG, JPEG, WebP or GIF picture.'
  if (file.size > MAX_CHOSEN_BYTES) return 'That picture is larger than 10 MB.'
  return null
}

/**
 * Sets your picture from a chosen file, cut at `focus` (`cropOf`); resolves to what went
 * wrong, or null.
 */
export async function setProfilePicture(file: File, focus = 0.5): Promise<PictureProblem> {
  const refused = pickProblem(file)
  if (refused) return refused
  let upload: PictureUpload
  try {
    upload = await squareOf(file, focus)
  } catch {
    return 'That picture could not be read. Try another one.'
  }
  try {
    const { pictureUrl } = await pictureApi.set(upload)
    applyOwn(pictureUrl ?? null)
    return null
  } catch (error) {
    return error instanceof ApiRequestError ? error.message : 'The picture could not be saved.'
  }
}

/** Removes your picture: your initials show again. */
export async function removeProfilePicture(): Promise<PictureProblem> {
  try {
    await pictureApi.remove()
    applyOwn(null)
    return null
  } catch (error) {
    return error instanceof ApiRequestError ? error.message : 'The picture could not be removed.'
  }
}
