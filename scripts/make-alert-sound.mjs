// Synthesises Flare's alert sound, a short rising two-note chime, into a 16-bit mono WAV.
// The committed apps/web/public/sounds/alert.wav was made by: node scripts/make-alert-sound.mjs
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const RATE = 22_050
const notes = [
  { freq: 880, start: 0, length: 0.22 }, // A5
  { freq: 1318.5, start: 0.16, length: 0.42 }, // E6
]
const duration = 0.62
const samples = new Float32Array(Math.ceil(RATE * duration))

for (const { freq, start, length } of notes) {
  const from = Math.floor(start * RATE)
  const count = Math.floor(length * RATE)
  for (let i = 0; i < count && from + i < samples.length; i += 1) {
    const t = i / RATE
    // quick attack, exponential decay, a touch of the octave for brightness
    const envelope = Math.min(1, t / 0.008) * Math.exp(-t * 7)
    const tone = Math.sin(2 * Math.PI * freq * t) + 0.25 * Math.sin(4 * Math.PI * freq * t)
    samples[from + i] += 0.45 * envelope * tone
  }
}

const data = Buffer.alloc(samples.length * 2)
for (const [i, s] of samples.entries()) {
  data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32_767), i * 2)
}
const header = Buffer.alloc(44)
header.write('RIFF', 0)
header.writeUInt32LE(36 + data.length, 4)
header.write('WAVE', 8)
header.write('fmt ', 12)
header.writeUInt32LE(16, 16) // PCM chunk size
header.writeUInt16LE(1, 20) // PCM
header.writeUInt16LE(1, 22) // mono
header.writeUInt32LE(RATE, 24)
header.writeUInt32LE(RATE * 2, 28) // byte rate
header.writeUInt16LE(2, 32) // block align
header.writeUInt16LE(16, 34) // bits per sample
header.write('data', 36)
header.writeUInt32LE(data.length, 40)

const out = fileURLToPath(new URL('../apps/web/public/sounds/alert.wav', import.meta.url))
writeFileSync(out, Buffer.concat([header, data]))
process.stdout.write(`wrote ${out} (${(44 + data.length).toLocaleString()} bytes)\n`)
