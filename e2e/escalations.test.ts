import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { accessibilityViolations, hasChromium, logInAs, screenshot } from './support/browser.js'
import { demoSession } from './support/demo.js'
import { useStage } from './support/stage.js'

async function position(page: Page, userId: string): Promise<{ x: number; y: number }> {
  const avatar = page.locator(`.avatar[data-user-id="${userId}"]`)
  return {
    x: Number(await avatar.getAttribute('data-x')),
    y: Number(await avatar.getAttribute('data-y')),
  }
}

async function alertsPlayed(page: Page): Promise<number> {
  return Number((await page.evaluate(() => document.documentElement.dataset.alertsPlayed)) ?? '0')
}

describe.skipIf(!hasChromium())('the raised hand in three browsers', () => {
  const stage = useStage(3)

  it('[3] yellow for everyone; red notifies only the recipient with a sound; Approach and Chat work', async () => {
    const [dana, eli, fatima] = await Promise.all(stage.browsers.map((b) => b.context.newPage()))
    if (!dana || !eli || !fatima) throw new Error('pages')
    await logInAs(dana, stage.flare.url, 'dana@flare.test')
    await logInAs(eli, stage.flare.url, 'eli@flare.test')
    await logInAs(fatima, stage.flare.url, 'fatima@flare.test')
    await dana.getByRole('img', { name: /^Fatima Khan/ }).waitFor()
    const danaId = (await dana.locator('.avatar.me').getAttribute('data-user-id')) ?? ''
    const eliId = (await eli.locator('.avatar.me').getAttribute('data-user-id')) ?? ''

    // yellow: a raised hand with a message, seen by everyone within a second
    await dana.getByRole('button', { name: 'Escalation' }).click()
    await dana.getByLabel('Message (optional)').fill('Caller asks for a refund')
    expect(await accessibilityViolations(dana)).toEqual([])
    await screenshot(dana, 'escalation-dialog-yellow')
    const raisedAt = Date.now()
    await dana.getByRole('button', { name: 'Execute' }).click()
    for (const page of [eli, fatima]) {
      await page
        .locator('.popup-yellow', { hasText: 'Caller asks for a refund' })
        .waitFor({ timeout: 1000 })
    }
    expect(Date.now() - raisedAt).toBeLessThan(1500)
    // the Hands tab lists it, with the count on the tab
    await fatima.locator('.hands-list li', { hasText: 'Caller asks for a refund' }).waitFor()
    expect(await fatima.getByRole('tab', { name: /^Hands 1/ }).isVisible()).toBe(true)
    await screenshot(fatima, 'escalation-yellow-bystander')
    expect(await accessibilityViolations(fatima)).toEqual([])

    // the raiser's button lowers it, and it goes away everywhere
    await dana.getByRole('button', { name: 'Lower hand' }).click()
    for (const page of [dana, eli, fatima])
      await page.locator('.popup').waitFor({ state: 'detached' })

    // red: Eli is chosen; only Eli gets the card and the sound
    await dana.getByRole('button', { name: 'Escalation' }).click()
    await dana.getByLabel('Message (optional)').fill('Abusive caller, need backup')
    await dana.getByRole('switch', { name: 'Notify users in the space' }).check()
    await dana.getByRole('combobox', { name: 'Add people or groups to notify' }).fill('@eli')
    await dana.keyboard.press('Enter')
    await dana.getByRole('button', { name: 'Remove Eli Novak' }).waitFor()
    await screenshot(dana, 'escalation-dialog-red')
    await dana.getByRole('button', { name: 'Execute' }).click()

    const card = eli.getByRole('article', { name: 'Urgent hand: Dana Reyes needs help' })
    await card.waitFor({ timeout: 1000 })
    await fatima.locator('.popup-red').waitFor({ timeout: 1000 })
    await expect.poll(() => alertsPlayed(eli)).toBe(1)
    expect(await alertsPlayed(fatima)).toBe(0)
    expect(await alertsPlayed(dana)).toBe(0)
    expect(await fatima.locator('.alert-card').count()).toBe(0)
    await screenshot(eli, 'escalation-red-recipient')
    await screenshot(fatima, 'escalation-red-bystander')
    expect(await accessibilityViolations(eli)).toEqual([])

    // Approach: Eli walks off first, then his avatar lands beside Dana's on all three screens
    await eli.getByTestId('map').focus()
    for (let i = 0; i < 12; i += 1) await eli.keyboard.press('ArrowRight')
    const danaAt = await position(fatima, danaId)
    await expect
      .poll(async () => {
        const at = await position(fatima, eliId)
        return Math.hypot(at.x - danaAt.x, at.y - danaAt.y)
      })
      .toBeGreaterThan(200)
    await card.getByRole('button', { name: 'Approach' }).click()
    for (const page of [dana, eli, fatima]) {
      await expect
        .poll(async () => {
          const at = await position(page, eliId)
          return Math.hypot(at.x - danaAt.x, at.y - danaAt.y)
        })
        .toBeLessThan(120)
      const at = await position(page, eliId)
      expect(Math.hypot(at.x - danaAt.x, at.y - danaAt.y)).toBeGreaterThanOrEqual(40)
    }
    // the raiser and everyone else see who is coming, on the pop-up and in the Hands tab
    await dana.locator('.popup-responding', { hasText: 'Eli is approaching' }).waitFor()
    await fatima.locator('.hand-responding', { hasText: 'Eli is approaching' }).waitFor()
    // the card folds once Eli has responded, and keeps Chat
    await card.locator('.alert-status', { hasText: 'You are approaching Dana.' }).waitFor()
    await dana.waitForTimeout(400) // the glide, for the picture
    await screenshot(fatima, 'escalation-approached')

    // Chat: opens the mention chat with the raiser
    await card.getByRole('button', { name: 'Chat' }).click()
    await eli.getByRole('tab', { name: 'Chat', selected: true }).waitFor()
    await screenshot(eli, 'escalation-chat-opened')
  })

  it("[1.5.5] a group an admin creates is in an open page's recipient picker at once, and goes when deleted", async () => {
    for (const b of stage.browsers) await b.context.clearCookies()
    // Fatima, whose hand is not up (Dana's still is, from the test before)
    const browser = stage.browsers[2]
    if (!browser) throw new Error('browser')
    const fatima = await browser.context.newPage()
    await logInAs(fatima, stage.flare.url, 'fatima@flare.test')
    // the admin works through the API meanwhile; Fatima's page is not reloaded
    const { app } = stage.flare
    const { cookie, spaceId } = await demoSession(stage.flare, 'admin@flare.test')
    const fatimaId = (await fatima.locator('.avatar.me').getAttribute('data-user-id')) ?? ''
    const created = await app.inject({
      method: 'POST',
      url: `/api/spaces/${spaceId}/groups`,
      headers: { cookie },
      payload: { name: 'Night shift', handle: 'night', memberIds: [fatimaId] },
    })
    expect(created.statusCode).toBe(201)

    await fatima.getByRole('button', { name: 'Escalation' }).click()
    await fatima.getByRole('switch', { name: 'Notify users in the space' }).check()
    const picker = fatima.getByRole('combobox', { name: 'Add people or groups to notify' })
    await picker.fill('@nig')
    const option = fatima.getByRole('option', { name: /@night Night shift · 1 person/ })
    await option.waitFor()

    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/spaces/${spaceId}/groups/${created.json().group.id}`,
      headers: { cookie },
    })
    expect(deleted.statusCode).toBe(200)
    await option.waitFor({ state: 'detached' })
    await fatima.close()
  })
})
