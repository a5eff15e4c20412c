// @vitest-environment node
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterEach, expect, it } from 'vitest'
import { precompressDirectory } from './vite-precompress.js'

let dir = ''
afterEach(() => rm(dir, { recursive: true, force: true }))

it('[12] writes brotli and gzip copies of the hashed scripts and styles, decompressing to the same bytes', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flare-precompress-'))
  const script = `export const greeting = ${JSON.stringify('nobody gets missed '.repeat(200))}\n`
  await writeFile(path.join(dir, 'index-AbC123.js'), script)
  await writeFile(path.join(dir, 'tiny-Def456.css'), 'a{color:red}')
  await writeFile(path.join(dir, 'logo-Ghi789.png'), Buffer.alloc(4096, 7))

  expect(await precompressDirectory(dir)).toEqual(['index-AbC123.js'])
  expect((await readdir(dir)).sort()).toEqual([
    'index-AbC123.js',
    'index-AbC123.js.br',
    'index-AbC123.js.gz',
    'logo-Ghi789.png',
    'tiny-Def456.css',
  ])
  const br = await readFile(path.join(dir, 'index-AbC123.js.br'))
  const gz = await readFile(path.join(dir, 'index-AbC123.js.gz'))
  expect(brotliDecompressSync(br).toString()).toBe(script)
  expect(gunzipSync(gz).toString()).toBe(script)
  expect(br.length).toBeLessThan(script.length / 4)
})
