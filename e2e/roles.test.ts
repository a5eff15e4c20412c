import type { MemberRole } from '@flare/protocol'
import { describe, expect, it } from 'vitest'
import { hasChromium, logInAs } from './support/browser.js'
import { demoSession } from './support/demo.js'
import { useStage } from './support/stage.js'

describe.skipIf(!hasChromium())("a member's own page and a change of their role", () => {
  const stage = useStage(1)

  /** The demo admin changes Dana's role through the API, as an admin's tool would. */
  async function adminMakesDana(role: MemberRole): Promise<void> {
    const { app } = stage.flare
    const { cookie, spaceId } = await demoSession(stage.flare, 'admin@flare.test')
    const space = (
      await app.inject({ method: 'GET', url: `/api/spaces/${spaceId}`, headers: { cookie } })
    ).json() as { members: Array<{ userId: string; displayName: string }> }
    const dana = space.members.find((m) => m.displayName === 'Dana Reyes')
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/spaces/${spaceId}/members/${dana?.userId}`,
      headers: { cookie },
      payload: { role },
    })
    expect(changed.statusCode).toBe(200)
  }

  it("[1.5.5][8.2] an agent made a manager gets the supervisor's view without reloading, and loses it again", async () => {
    const page = await stage.browsers[0]!.context.newPage()
    await logInAs(page, stage.flare.url, 'dana@flare.test')
    const supervisor = page.getByRole('button', { name: 'Supervisor', exact: true })
    expect(await supervisor.count()).toBe(0)
    // a reload would lose this: the page must follow by itself
    await page.evaluate(() => {
      document.body.dataset.sameLoad = 'yes'
    })
    const liveRegion = page.locator('.sr-only[aria-live="polite"]')

    await adminMakesDana('manager')
    await supervisor.waitFor({ timeout: 5_000 })
    expect(await page.getByTestId('who-am-i').textContent()).toContain('manager')
    expect(await liveRegion.textContent()).toBe('Your role is now manager')
    // the view opens and the server answers it: the new role holds on both sides
    await supervisor.click()
    await page.getByRole('heading', { name: 'Escalation rate', exact: true }).waitFor()

    await adminMakesDana('agent')
    await supervisor.waitFor({ state: 'detached', timeout: 5_000 })
    await page.locator('.avatar.me').waitFor()
    expect(await liveRegion.textContent()).toMatch(/^Your role is now agent\./)
    expect(await page.evaluate(() => document.body.dataset.sameLoad)).toBe('yes')
  })
})
