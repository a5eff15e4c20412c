// `npm run bench:web`: what a browser downloads to show Flare, from a fresh production build.
// Prints the initial JavaScript and CSS (what index.html loads before anything else), gzip and
// brotli, against the 120 KB gzip budget (SPEC §10), then the chunks loaded later (settings,
// the sound library). It also checks that the initial JavaScript carries no TypeBox, which
// the web app must only import through @flare/protocol/client. With Chromium present
// (/usr/bin/chromium or CHROMIUM_PATH) it loads the login page of a real server and prints
// the browser's own paint timings, Lighthouse-style. It never fails on time; it fails only
// when the budget or the TypeBox rule is broken, so CI can run it.
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { build } from 'vite'

const WEB = fileURLToPath(new URL('../apps/web/', import.meta.url))
const DIST = path.join(WEB, 'dist')
const BUDGET_GZIP = 120 * 1024

interface Asset {
  file: string
  raw: number
  gzip: number
  brotli: number
}

async function measure(file: string): Promise<Asset> {
  const body = await readFile(path.join(DIST, file))
  return {
    file,
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body).length,
  }
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

function table(title: string, assets: Asset[]): void {
  console.log(`\n${title}`)
  for (const a of assets) {
    console.log(
      `  ${a.file.padEnd(44)} ${kb(a.raw).padStart(10)} raw ${kb(a.gzip).padStart(10)} gzip ${kb(a.brotli).padStart(10)} br`,
    )
  }
}

/** What index.html loads up front: its module script, the chunks it preloads, its styles. */
function initialAssets(html: string): string[] {
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1])
  return [...new Set(refs.filter((r): r is string => r !== undefined))]
}

async function paintTimings(): Promise<void> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(chromium)) {
    console.log('\n(no Chromium: paint timings skipped)')
    return
  }
  const { launchBrowser } = await import('../e2e/support/browser.js')
  const { startFlare } = await import('../e2e/support/server.js')
  const flare = await startFlare()
  const browser = await launchBrowser()
  try {
    const runs: Array<Record<string, number>> = []
    for (let i = 0; i < 3; i += 1) {
      const page = await browser.context.newPage()
      await page.goto(flare.url, { waitUntil: 'load' })
      await page.getByRole('button', { name: 'Log in' }).waitFor()
      runs.push(
        await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
          const paint = Object.fromEntries(
            performance.getEntriesByType('paint').map((p) => [p.name, p.startTime]),
          )
          return {
            'first-contentful-paint': paint['first-contentful-paint'] ?? Number.NaN,
            DOMContentLoaded: nav.domContentLoadedEventEnd,
            load: nav.loadEventEnd,
            'login form shown': performance.now(),
          }
        }),
      )
      await page.close()
    }
    console.log('\nLogin page on this machine, loopback, median of 3 cold-cache-free loads (ms):')
    for (const key of Object.keys(runs[0] ?? {})) {
      const values = runs.map((r) => r[key] ?? Number.NaN).sort((a, b) => a - b)
      console.log(`  ${key.padEnd(26)} ${(values[1] ?? Number.NaN).toFixed(0).padStart(6)}`)
    }
  } finally {
    await browser.close()
    await flare.close()
  }
}

await build({ root: WEB, logLevel: 'warn' })
const html = await readFile(path.join(DIST, 'index.html'), 'utf8')
const initial = await Promise.all(initialAssets(html).map(measure))
const all = (await readdir(path.join(DIST, 'assets'))).filter((f) => /\.(js|css)$/.test(f))
const later = await Promise.all(
  all
    .map((f) => `assets/${f}`)
    .filter((f) => !initial.some((a) => a.file === f))
    .map(measure),
)

table('Initial (loaded by index.html):', initial)
table('Loaded later, when needed:', later)
const initialJs = initial.filter((a) => a.file.endsWith('.js'))
const jsGzip = initialJs.reduce((sum, a) => sum + a.gzip, 0)
console.log(
  `\nInitial JavaScript: ${kb(jsGzip)} gzip of a ${kb(BUDGET_GZIP)} budget (${((jsGzip / BUDGET_GZIP) * 100).toFixed(0)} %)`,
)

const sources = await Promise.all(initialJs.map((a) => readFile(path.join(DIST, a.file), 'utf8')))
// TypeBox tags every schema with Symbol.for('TypeBox.Kind'): the name survives minifying
const typebox = sources.some((s) => s.includes('TypeBox.Kind'))
console.log(`TypeBox in the initial JavaScript: ${typebox ? 'YES (it must not be)' : 'no'}`)

await paintTimings()

if (jsGzip > BUDGET_GZIP || typebox) process.exitCode = 1
