// Copies the README's screenshots from the browser tests' output into docs/screenshots/.
// The browser tests are what makes them: each state below is one a test builds and checks
// (the same accounts, hands and ticket escalations), so a screenshot never shows a state the
// tests do not. Run the files named here one at a time first, e.g.
//   npx vitest run e2e/workspace.test.ts && node scripts/update-screenshots.mjs
// Only the screenshots found are copied; the others are listed and left as they are.
import { copyFile, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const FROM = new URL('../test-output/screenshots/', import.meta.url)
const TO = new URL('../docs/screenshots/', import.meta.url)

/** docs/screenshots name → [the test output's name, the test file that writes it]. */
const SCREENSHOTS = {
  'workspace-1440.png': ['workspace-desktop-alert.png', 'e2e/workspace.test.ts'],
  'workspace-1024.png': ['workspace-laptop-alert.png', 'e2e/workspace.test.ts'],
  'workspace-820.png': ['workspace-tablet-alert.png', 'e2e/workspace.test.ts'],
  'workspace-390.png': ['workspace-phone-alert.png', 'e2e/workspace.test.ts'],
  'workspace-dark.png': ['workspace-space-dark.png', 'e2e/workspace.test.ts'],
  'workspace-inbox.png': ['workspace-ticket-light.png', 'e2e/workspace.test.ts'],
  'workspace-ticket-flare.png': ['workspace-ticket-flare.png', 'e2e/workspace.test.ts'],
  'profile-picture.png': ['profile-picture.png', 'e2e/workspace.test.ts'],
  'login.png': ['login.png', 'e2e/login.test.ts'],
  'space.png': ['space.png', 'e2e/login.test.ts'],
  'escalation-yellow.png': ['escalation-yellow-bystander.png', 'e2e/escalations.test.ts'],
  'escalation-red.png': ['escalation-red-recipient.png', 'e2e/escalations.test.ts'],
  'settings-rule.png': ['settings-new-rule.png', 'e2e/automation.test.ts'],
  'ticket-escalated.png': ['ticket-escalated-popup.png', 'e2e/automation.test.ts'],
  'supervisor-metrics.png': ['supervisor-metrics.png', 'e2e/supervisor.test.ts'],
  'supervisor-perspective.png': ['supervisor-perspective.png', 'e2e/supervisor.test.ts'],
  'wallboard.png': ['wallboard.png', 'e2e/supervisor.test.ts'],
}

async function exists(url) {
  try {
    return (await stat(url)).isFile()
  } catch {
    return false
  }
}

const missing = []
for (const [target, [source, test]] of Object.entries(SCREENSHOTS)) {
  const from = new URL(source, FROM)
  if (!(await exists(from))) {
    missing.push(`${target} (from ${source}: run ${test})`)
    continue
  }
  await copyFile(from, new URL(target, TO))
  process.stdout.write(`${target} <- ${source}\n`)
}
if (missing.length > 0) {
  process.stdout.write(
    `not in ${fileURLToPath(FROM)}, left as they are:\n  ${missing.join('\n  ')}\n`,
  )
}
