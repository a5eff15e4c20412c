import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { CHROMIUM_PATH, hasChromium } from './support/browser.js'

/**
 * Before the browser tests: find Chromium (or say plainly that they are skipped) and build the
 * web app they load, so they always test the current code.
 */
export default async function prepareBrowserTests(): Promise<void> {
  if (!hasChromium()) {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but no Chromium at ${CHROMIUM_PATH}: the browser tests cannot run.`)
    }
    process.stdout.write(
      `\n[e2e] SKIPPED: the browser tests (no Chromium at ${CHROMIUM_PATH}). To run them: ` +
        'apt-get install -y chromium (or set CHROMIUM_PATH)\n\n',
    )
    return
  }
  await build({
    root: fileURLToPath(new URL('../apps/web', import.meta.url)),
    logLevel: 'warn',
  })
}
