import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { imageFacts } from './image-facts.js'

/** A 1×1 PNG, as a browser's canvas writes one. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

/** The tiny PNG claiming any size, its header's CRC made right (the pixels do not matter). */
function pngHeader(width: number, height: number): Buffer {
  const bytes = Buffer.from(TINY_PNG)
  bytes.writeUInt32BE(width, 16)
  bytes.writeUInt32BE(height, 20)
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29)
  return bytes
}

function jpegHeader(width: number, height: number): Buffer {
  // SOI, an APP0 segment to skip, then SOF2 (progressive) with the size
  const app0 = [0xff, 0xe0, 0x00, 0x06, 0x4a, 0x46, 0x49, 0x46]
  const sof = [0xff, 0xc2, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff]
  return Buffer.from([0xff, 0xd8, ...app0, ...sof, ...new Array(12).fill(0)])
}

function webpLossless(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(40)
  bytes.write('RIFF', 0, 'ascii')
  bytes.writeUInt32LE(32, 4)
  bytes.write('WEBPVP8L', 8, 'ascii')
  bytes.writeUInt32LE(20, 16)
  bytes[20] = 0x2f
  bytes.writeUInt32LE((width - 1) | ((height - 1) << 14), 21)
  return bytes
}

describe('what a picture really is', () => {
  it('[2.6] reads PNG, JPEG and WebP sizes from their own headers', () => {
    expect(imageFacts(TINY_PNG)).toEqual({ type: 'image/png', width: 1, height: 1 })
    expect(imageFacts(pngHeader(5000, 20))).toEqual({ type: 'image/png', width: 5000, height: 20 })
    expect(imageFacts(jpegHeader(640, 480))).toEqual({
      type: 'image/jpeg',
      width: 640,
      height: 480,
    })
    expect(imageFacts(webpLossless(256, 200))).toEqual({
      type: 'image/webp',
      width: 256,
      height: 200,
    })
  })

  it('[2.6] is not fooled by SVG, HTML, GIF or a header cut short', () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    )
    expect(imageFacts(svg)).toBeNull()
    expect(imageFacts(Buffer.from('<!doctype html><script>alert(1)</script>'))).toBeNull()
    expect(imageFacts(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBeNull()
    expect(imageFacts(TINY_PNG.subarray(0, 20))).toBeNull()
    expect(imageFacts(jpegHeader(10, 10).subarray(0, 14))).toBeNull()
    // cut anywhere short of its end: the header alone, or part of the image data
    for (const length of [24, 33, 40, TINY_PNG.length - 1]) {
      expect(imageFacts(TINY_PNG.subarray(0, length)), `PNG cut at ${length}`).toBeNull()
    }
    const forged = Buffer.from(TINY_PNG)
    forged.writeUInt32BE(4000, 16) // a size the header's CRC does not vouch for
    expect(imageFacts(forged)).toBeNull()
    // a JPEG whose frame segment runs past the end, or 12 bytes of one
    expect(imageFacts(jpegHeader(10, 10).subarray(0, 22))).toBeNull()
    expect(imageFacts(jpegHeader(10, 10).subarray(0, 12))).toBeNull()
    expect(imageFacts(webpLossless(10, 10).subarray(0, 36))).toBeNull()
    expect(imageFacts(Buffer.alloc(0))).toBeNull()
  })
})
