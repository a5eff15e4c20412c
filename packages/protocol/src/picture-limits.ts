// What a profile picture may be (SPEC §2.6), without TypeBox so the browser checks a picture
// before sending it by the same numbers the server refuses it by.

/** The image types Flare stores and serves; never SVG, which can carry script. */
export const PICTURE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const
export type PictureType = (typeof PICTURE_TYPES)[number]

/** At most this many bytes once decoded (the browser sends a 256-pixel square, far smaller). */
export const MAX_PICTURE_BYTES = 200 * 1024

/** Neither side longer than this, so no picture costs a browser much to draw. */
export const MAX_PICTURE_SIDE = 1024

/** The side of the square the browser scales a chosen picture to before sending it. */
export const PICTURE_UPLOAD_SIDE = 256
