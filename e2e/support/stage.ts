import { afterAll, beforeAll } from 'vitest'
import { type Browser, launchBrowser } from './browser.js'
import { type RunningFlare, startFlare } from './server.js'

export interface Stage {
  /** The Flare server the browsers talk to. */
  readonly flare: RunningFlare
  /** One fresh Chromium per person, each with its own profile (so its own cookies). */
  readonly browsers: Browser[]
}

/**
 * Sets up, for the enclosing `describe`, a real Flare server on a fresh database and
 * `browserCount` browsers, and tears them down after it.
 */
export function useStage(browserCount: number): Stage {
  let flare: RunningFlare | null = null
  const browsers: Browser[] = []
  beforeAll(async () => {
    flare = await startFlare()
    for (let i = 0; i < browserCount; i += 1) browsers.push(await launchBrowser())
  })
  afterAll(async () => {
    for (const b of browsers.splice(0)) await b.close()
    await flare?.close()
  })
  return {
    get flare() {
      if (!flare) throw new Error('the stage is not set up yet: use it inside a test')
      return flare
    },
    browsers,
  }
}
