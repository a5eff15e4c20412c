import { crc32 } from 'node:zlib'
import type { PictureType } from '@flare/protocol'

// What a picture really is, read from its bytes rather than trusted from its declared type:
// PNG, JPEG or WebP, and how large it is drawn. Anything else (SVG, HTML, GIF, a truncated or
// forged header) is not a picture Flare stores (SPEC §2.6).

export interface ImageFacts {
  type: PictureType
  width: number
  height: number
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((b, i) => bytes[at + i] === b)
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length))
}

function png(bytes: Buffer): ImageFacts | null {
  // the first chunk is always IHDR (13 bytes: width and height, big-endian, first), whole and
  // with its CRC; then the file's chunks must run, each whole, through image data to IEND
  if (bytes.length < 33 || bytes.readUInt32BE(8) !== 13 || ascii(bytes, 12, 4) !== 'IHDR') {
    return null
  }
  if (crc32(bytes.subarray(12, 29)) !== bytes.readUInt32BE(29)) return null
  let at = 8
  let data = false
  for (;;) {
    if (at + 12 > bytes.length) return null
    const length = bytes.readUInt32BE(at)
    const type = ascii(bytes, at + 4, 4)
    if (at + 12 + length > bytes.length) return null
    if (type === 'IDAT') data = true
    if (type === 'IEND') break
    at += 12 + length
  }
  const width = bytes.readUInt32BE(16)
  const height = bytes.readUInt32BE(20)
  return data && width > 0 && height > 0 ? { type: 'image/png', width, height } : null
}

// start-of-frame markers carry the size; C4 (huffman), C8 (reserved) and CC (arithmetic) do not
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

function jpeg(bytes: Buffer): ImageFacts | null {
  let at = 2
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null
    const marker = bytes[at + 1] ?? 0
    if (marker === 0xff) {
      at += 1 // fill byte
      continue
    }
    if (marker === 0xd9 || marker === 0xda) return null // end, or the scan before any frame
    const length = bytes.readUInt16BE(at + 2)
    // a segment cut short by the end of the file: not a whole picture
    if (at + 2 + length > bytes.length) return null
    if (SOF.has(marker)) {
      if (length < 8) return null
      return {
        type: 'image/jpeg',
        height: bytes.readUInt16BE(at + 5),
        width: bytes.readUInt16BE(at + 7),
      }
    }
    if (length < 2) return null
    at += 2 + length
  }
  return null
}

function webp(bytes: Buffer): ImageFacts | null {
  if (bytes.length < 30 || ascii(bytes, 8, 4) !== 'WEBP') return null
  // the RIFF size and the first chunk's own size both fit in what arrived
  if (bytes.readUInt32LE(4) + 8 > bytes.length || bytes.readUInt32LE(16) + 20 > bytes.length) {
    return null
  }
  const chunk = ascii(bytes, 12, 4)
  if (chunk === 'VP8 ') {
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) return null
    return {
      type: 'image/webp',
      width: bytes.readUInt16LE(26) & 0x3fff,
      height: bytes.readUInt16LE(28) & 0x3fff,
    }
  }
  if (chunk === 'VP8L') {
    if (bytes[20] !== 0x2f) return null
    const bits = bytes.readUInt32LE(21)
    return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
  }
  if (chunk === 'VP8X') {
    return {
      type: 'image/webp',
      width: bytes.readUIntLE(24, 3) + 1,
      height: bytes.readUIntLE(27, 3) + 1,
    }
  }
  return null
}

/**
 * The type and size of a PNG, JPEG or WebP picture, read from its own header; null for
 * anything else.
 *
 * @example
 * imageFacts(readFileSync('face.png')) // { type: 'image/png', width: 256, height: 256 }
 */
export function imageFacts(bytes: Buffer): ImageFacts | null {
  try {
    if (startsWith(bytes, PNG_SIGNATURE)) return png(bytes)
    if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpeg(bytes)
    if (ascii(bytes, 0, 4) === 'RIFF') return webp(bytes)
  } catch {
    // a header cut short reads past the end: not a picture
  }
  return null
}
