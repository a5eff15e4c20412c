import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BrowserContext, chromium, type Page } from 'playwright-core'

/** Debian's Chromium; never a browser downloaded by a test tool. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH)
}

export const SCREENSHOT_DIR = fileURLToPath(
  new URL('../../test-output/screenshots/', import.meta.url),
)

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

/** A fresh Chromium with its own empty profile, as a new person opening Flare would have. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'flare-e2e-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    context,
    async close() {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const file = path.join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path: file })
  return file
}

const AXE_SOURCE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url))

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: unknown[] }>
}

/** Runs axe-core in the page and returns the WCAG A/AA violations it finds. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // evaluated, not added as a <script>: the app's CSP refuses inline scripts, and the test must
  // see the page with the CSP it really has
  await page.evaluate(await readFile(AXE_SOURCE, 'utf8'))
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(o: unknown): Promise<{ violations: AxeViolation[] }> } }
    ).axe
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }))
  })
}

/** Logs in through the real login page and waits for the space page. */
export async function logInAs(
  page: Page,
  baseUrl: string,
  email: string,
  password = 'flare-demo',
): Promise<void> {
  await page.goto(baseUrl)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.locator('.avatar.me').waitFor()
}

export interface HorizontalOverflow {
  /** The page's own width: wider than the window means a sideways scroll. */
  scrollWidth: number
  innerWidth: number
  /** Each element whose right edge is past the window where no scrolling box of its own clips it. */
  offenders: string[]
}

/** What sticks out past the right edge of the window (SPEC §10.5). */
export async function horizontalOverflow(page: Page): Promise<HorizontalOverflow> {
  return page.evaluate(() => {
    const width = window.innerWidth
    const inside = (el: Element) => el.getBoundingClientRect().right <= width + 0.5
    // a map, a table in a scroller: a box that clips inside the window holds what is wider
    const clippedInside = (el: Element) => {
      for (let box = el.parentElement; box; box = box.parentElement) {
        if (getComputedStyle(box).overflowX !== 'visible' && inside(box)) return true
      }
      return false
    }
    const offenders: string[] = []
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect()
      if (box.width === 0 || box.height === 0 || inside(el) || clippedInside(el)) continue
      const text = (el.textContent ?? '').trim().slice(0, 40)
      offenders.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${text}"`)
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, offenders }
  })
}
