import { describe, expect, it } from 'vitest'
import {
  accessibilityViolations,
  hasChromium,
  launchBrowser,
  screenshot,
} from './support/browser.js'
import { useStage } from './support/stage.js'

describe.skipIf(!hasChromium())('logging in through the real page', () => {
  const stage = useStage(1)

  it('[1] a demo login reaches the space page, and a second person appears live', async () => {
    const page = await stage.browsers[0]!.context.newPage()
    await page.goto(stage.flare.url)
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    await screenshot(page, 'login')
    expect(await accessibilityViolations(page)).toEqual([])

    // a wrong password is refused on the page, with the reason
    await page.getByLabel('Email').fill('dana@flare.test')
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('do not match')

    await page.getByLabel('Password').fill('flare-demo')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { name: 'Contact Center' }).waitFor()
    expect(await page.getByTestId('who-am-i').getAttribute('title')).toBe('Dana Reyes')
    await page.getByRole('img', { name: 'Dana Reyes (you), available' }).waitFor()
    expect(page.url()).toMatch(/\/spaces\/[0-9a-f-]{36}$/)

    // another person logs in in their own browser: Dana's page shows them without a reload
    const other = await launchBrowser()
    try {
      const maxPage = await other.context.newPage()
      await maxPage.goto(stage.flare.url)
      await maxPage.getByLabel('Email').fill('manager@flare.test')
      await maxPage.getByLabel('Password').fill('flare-demo')
      await maxPage.getByRole('button', { name: 'Log in' }).click()
      await maxPage.getByRole('img', { name: 'Max Manager (you), available' }).waitFor()
      await page.getByRole('img', { name: 'Max Manager, available' }).waitFor()
      await page.getByRole('tab', { name: 'People' }).click()
      expect(await page.getByRole('heading', { name: /Here now/ }).textContent()).toBe(
        'Here now 2 people',
      )
      // the tab goes away without saying goodbye, as when a laptop lid closes
      await maxPage.close({ runBeforeUnload: false })
    } finally {
      await other.close()
    }
    // a dropped connection: Max keeps his place for the reconnect grace
    await page.getByRole('img', { name: 'Max Manager, available, reconnecting' }).waitFor()
    await screenshot(page, 'space')
    expect(await accessibilityViolations(page)).toEqual([])

    // a reload keeps the session (the cookie), and logging out returns to the login page
    await page.reload()
    await page.getByRole('img', { name: 'Dana Reyes (you), available' }).waitFor()
    await page.getByTestId('who-am-i').click()
    await page.getByRole('menuitem', { name: 'Log out' }).click()
    await page.getByRole('button', { name: 'Log in' }).waitFor()
  })
})
