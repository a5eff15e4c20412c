// Builds the web app when apps/web/dist is missing or older than its sources, and otherwise
// does nothing, so `npm start` is quick after `npm install` (which runs this too).
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const web = path.join(root, 'apps/web')
const built = path.join(web, 'dist/index.html')
const sources = [
  path.join(web, 'src'),
  path.join(web, 'public'),
  path.join(web, 'index.html'),
  path.join(web, 'vite.config.ts'),
  path.join(web, 'vite-precompress.ts'),
  path.join(root, 'packages/protocol/src'),
  path.join(root, 'packages/rules/src'),
]

function newestMtime(entry) {
  let stat
  try {
    stat = statSync(entry)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(entry).reduce(
    (max, name) => Math.max(max, newestMtime(path.join(entry, name))),
    0,
  )
}

let builtAt = 0
try {
  builtAt = statSync(built).mtimeMs
} catch {}

if (builtAt < Math.max(...sources.map(newestMtime))) {
  const { build } = await import('vite')
  process.stdout.write('Building the web app…\n')
  await build({ root: web, logLevel: 'warn' })
}
