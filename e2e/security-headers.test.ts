import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { accessibilityViolations, hasChromium, logInAs } from './support/browser.js'
import { useStage } from './support/stage.js'

interface Violation {
  directive: string
  blocked: string
}

/**
 * Records every CSP violation the page reports, from its first script on (read them with
 * `violationsIn`), and returns the console's CSP complaints as they come.
 */
async function watchViolations(page: Page): Promise<string[]> {
  const complaints: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) complaints.push(message.text())
  })
  await page.addInitScript(() => {
    const seen: Array<{ directive: string; blocked: string }> = []
    Object.assign(window, { __cspViolations: seen })
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push({ directive: event.effectiveDirective, blocked: event.blockedURI })
    })
  })
  return complaints
}

function violationsIn(page: Page): Promise<Violation[]> {
  return page.evaluate(
    () => (window as unknown as { __cspViolations?: Violation[] }).__cspViolations ?? [],
  )
}

describe.skipIf(!hasChromium())('[12] the app under its Content-Security-Policy', () => {
  const stage = useStage(1)

  it('[12] loads, logs in, connects its socket and shows the API docs with no CSP violation', async () => {
    const page = await stage.browsers[0]!.context.newPage()
    const complaints = await watchViolations(page)
    const encodings = new Map<string, string | undefined>()
    const uncompressed: Array<Promise<{ url: string; bytes: number }>> = []
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/assets/')) {
        const encoding = response.headers()['content-encoding']
        encodings.set(response.url(), encoding)
        if (encoding === undefined) {
          uncompressed.push(
            response.body().then((body) => ({ url: response.url(), bytes: body.length })),
          )
        }
      }
    })

    // the whole app: scripts, styles, the login, the Socket.IO WebSocket, the alert sound
    await logInAs(page, stage.flare.url, 'dana@flare.test')
    await page.getByRole('heading', { name: 'Contact Center' }).waitFor()
    expect(await violationsIn(page)).toEqual([])
    expect(await page.evaluate(() => document.querySelector('meta[http-equiv]'))).toBeNull()
    // hashed assets arrive brotli-compressed (Chromium asks for br over http too)
    expect([...encodings.values()].length).toBeGreaterThan(0)
    // …all but the few under 1 KiB, which the build leaves as they are (a compressed copy would
    // save less than its headers cost; apps/web/vite-precompress.ts)
    expect([...encodings.values()].filter((e) => e !== undefined && e !== 'br')).toEqual([])
    expect([...encodings.values()]).toContain('br')
    for (const asset of await Promise.all(uncompressed)) {
      expect(asset.bytes, asset.url).toBeLessThan(1024)
    }
    // the axe checks other tests run still work under the real policy
    expect(await accessibilityViolations(page)).toEqual([])

    await page.goto(`${stage.flare.url}/api/docs`)
    await page.getByText('Flare API').first().waitFor()
    await page.locator('.opblock').first().waitFor()
    expect(await violationsIn(page)).toEqual([])
    expect(complaints).toEqual([])
  })
})
