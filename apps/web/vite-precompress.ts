import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { Plugin } from 'vite'

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

/** Text formats worth compressing; images, fonts and sounds are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|wasm)$/
/** Below this a compressed copy saves less than its own headers cost. */
const MIN_BYTES = 1024

/**
 * Writes `name.br` and `name.gz` beside every compressible file in `dir` (not recursing: the
 * build puts its hashed files in one folder), each only when it is smaller than the original.
 * The server sends them to browsers that accept the encoding. Returns the files compressed.
 *
 * @example
 * await precompressDirectory('apps/web/dist/assets') // ['index-5n4ifbKR.js', …]
 */
export async function precompressDirectory(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => COMPRESSIBLE.test(name))
  const done: string[] = []
  for (const name of names) {
    const file = path.join(dir, name)
    const original = await readFile(file)
    if (original.length < MIN_BYTES) continue
    const [br, gz] = await Promise.all([
      brotli(original, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: original.length,
        },
      }),
      gzipAsync(original, { level: constants.Z_BEST_COMPRESSION }),
    ])
    if (br.length < original.length) await writeFile(`${file}.br`, br)
    if (gz.length < original.length) await writeFile(`${file}.gz`, gz)
    done.push(name)
  }
  return done
}

/** A Vite build step: precompress the hashed assets once they are written. */
export function precompress(): Plugin {
  let assetsDir = ''
  return {
    name: 'flare:precompress',
    apply: 'build',
    configResolved(config) {
      assetsDir = path.resolve(config.root, config.build.outDir, config.build.assetsDir)
    },
    async closeBundle() {
      await precompressDirectory(assetsDir)
    },
  }
}
