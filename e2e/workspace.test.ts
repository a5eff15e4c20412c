import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { accessibilityViolations, hasChromium, logInAs, screenshot } from './support/browser.js'
import type { RunningFlare } from './support/server.js'
import { useStage } from './support/stage.js'

const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'laptop', width: 1024, height: 768 },
  { name: 'phone', width: 390, height: 844 },
] as const

interface Box {
  x: number
  y: number
  width: number
  height: number
}

function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox()
  if (!box) throw new Error('not on screen')
  return box
}

/** A logged-in session for the API, as the page would have it. */
async function cookieOf(flare: RunningFlare, email: string): Promise<string> {
  const login = await flare.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'flare-demo' },
  })
  return `flare_session=${login.cookies.find((c) => c.name === 'flare_session')?.value}`
}

async function spaceIdOf(flare: RunningFlare): Promise<string> {
  const cookie = await cookieOf(flare, 'manager@flare.test')
  const me = await flare.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
  return (me.json() as { spaces: Array<{ id: string }> }).spaces[0]?.id ?? ''
}

/** Presses Tab until the focused element has this accessible text; fails after 40 presses. */
async function tabTo(page: Page, text: string): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(
      () =>
        document.activeElement?.getAttribute('aria-label') ??
        document.activeElement?.textContent ??
        '',
    )
    if (focused.trim() === text) return
  }
  throw new Error(`Tab never reached "${text}"`)
}

async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')
}

async function expectNoViolations(page: Page): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([])
}

describe.skipIf(!hasChromium())('the workspace people live in all day', () => {
  const stage = useStage(2)

  it('[3][10] by keyboard alone: raise a hand, reach the card with Alt+1, Approach, lower the hand', async () => {
    const [dana, eli] = await Promise.all(stage.browsers.map((b) => b.context.newPage()))
    if (!dana || !eli) throw new Error('pages')
    for (const page of [dana, eli]) await page.setViewportSize({ width: 1440, height: 900 })
    await logInAs(dana, stage.flare.url, 'dana@flare.test')
    await logInAs(eli, stage.flare.url, 'eli@flare.test')
    const danaId = (await dana.locator('.avatar.me').getAttribute('data-user-id')) ?? ''
    const eliId = (await eli.locator('.avatar.me').getAttribute('data-user-id')) ?? ''

    // Eli is typing in the chat when the alert arrives: focus must stay in his field
    await eli.getByRole('tab', { name: 'Chat' }).focus()
    await eli.keyboard.press('Enter')
    await eli.getByRole('button', { name: /^# Everyone/ }).focus()
    await eli.keyboard.press('Enter')
    const composer = eli.getByRole('combobox', { name: 'Message Everyone' })
    await composer.focus()
    await eli.keyboard.type('Checking the queue')

    // Dana: Tab to Escalation, Enter opens the native dialog with focus in the message
    await dana.locator('body').focus()
    await tabTo(dana, 'Escalation')
    await dana.keyboard.press('Enter')
    const dialog = dana.getByRole('dialog', { name: 'Raise your hand' })
    await dialog.waitFor()
    expect(await dana.evaluate(() => document.activeElement?.id ?? '')).toContain('message')
    await dana.keyboard.type('Caller asks for a supervisor')
    await dana.keyboard.press('Tab')
    await dana.keyboard.press('Space') // Notify users in the space
    await dana.keyboard.press('Tab')
    await dana.keyboard.type('@eli')
    await dana.keyboard.press('Enter')
    await dialog.getByRole('button', { name: 'Remove Eli Novak' }).waitFor()
    // the dialog keeps focus inside itself: Tab never reaches the page behind it
    for (let i = 0; i < 12; i += 1) {
      await dana.keyboard.press('Tab')
      expect(await dana.evaluate(() => Boolean(document.activeElement?.closest('dialog')))).toBe(
        true,
      )
    }
    await dana.getByRole('button', { name: 'Execute' }).focus()
    await dana.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    // focus returns to the button that opened it, which now lowers the hand
    expect(await focusedText(dana)).toBe('Lower hand')

    // Eli: the card is announced; his field keeps focus and what he typed
    const card = eli.getByRole('article', { name: 'Urgent hand: Dana Reyes needs help' })
    await card.waitFor({ timeout: 5000 })
    await expect
      .poll(() => eli.getByTestId('alert-announcer').textContent())
      .toBe('Urgent hand from Dana Reyes. Press Alt+1 to respond.')
    expect(await composer.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await composer.inputValue()).toBe('Checking the queue')
    expect(await eli.title()).toBe('(1) Contact Center · Flare')
    expect(await eli.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicons/alert-1.svg')
    await screenshot(eli, 'workspace-alert-arrived')
    await expectNoViolations(eli)

    // Alt+1 reaches it; A approaches; the card folds; Escape dismisses and returns to the chat
    await eli.keyboard.press('Alt+1')
    expect(await eli.evaluate(() => document.activeElement?.tagName)).toBe('ARTICLE')
    await eli.keyboard.press('a')
    const danaAt = {
      x: Number(await eli.locator(`.avatar[data-user-id="${danaId}"]`).getAttribute('data-x')),
      y: Number(await eli.locator(`.avatar[data-user-id="${danaId}"]`).getAttribute('data-y')),
    }
    await expect
      .poll(async () => {
        const me = eli.locator(`.avatar[data-user-id="${eliId}"]`)
        return Math.hypot(
          Number(await me.getAttribute('data-x')) - danaAt.x,
          Number(await me.getAttribute('data-y')) - danaAt.y,
        )
      })
      .toBeLessThan(120)
    await card.locator('.alert-status', { hasText: 'You are approaching Dana.' }).waitFor()
    expect(await card.getAttribute('class')).toContain('collapsed')
    await dana.locator('.popup-responding', { hasText: 'Eli is approaching' }).waitFor()
    // on the map, too: the approaching avatar says so under its name
    await dana
      .locator(`.avatar-label[data-user-id="${eliId}"] .note-label`, {
        hasText: 'approaching Dana',
      })
      .waitFor()
    await eli.keyboard.press('Escape')
    await card.waitFor({ state: 'detached' })
    expect(await composer.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await eli.title()).toBe('Contact Center · Flare')

    // Dana lowers her hand with the key that is still focused
    await dana.keyboard.press('Enter')
    await dana.locator('.popup').waitFor({ state: 'detached' })
    await eli.locator('.popup').waitFor({ state: 'detached' })
  })

  it('[3][10] alerts never move the map nor cover the tabs or the open panel, at three sizes', async () => {
    for (const b of stage.browsers) await b.context.clearCookies()
    // whatever an earlier test left up comes down first
    await stage.flare.app.inject({
      method: 'POST',
      url: `/api/spaces/${await spaceIdOf(stage.flare)}/escalations/lower-all`,
      headers: { cookie: await cookieOf(stage.flare, 'manager@flare.test') },
    })
    const [dana, eli] = await Promise.all(stage.browsers.map((b) => b.context.newPage()))
    if (!dana || !eli) throw new Error('pages')
    await logInAs(dana, stage.flare.url, 'dana@flare.test')
    await logInAs(eli, stage.flare.url, 'eli@flare.test')
    const danaCookie = await cookieOf(stage.flare, 'dana@flare.test')
    const eliId = (await eli.locator('.avatar.me').getAttribute('data-user-id')) ?? ''
    const spaceId = new URL(eli.url()).pathname.split('/')[2] ?? ''

    for (const viewport of VIEWPORTS) {
      await eli.setViewportSize({ width: viewport.width, height: viewport.height })
      const phone = viewport.width < 700
      const map = eli.getByTestId('map')
      await map.waitFor()
      const before = await boxOf(map)

      const raised = await stage.flare.app.inject({
        method: 'POST',
        url: `/api/spaces/${spaceId}/escalations`,
        headers: { cookie: danaCookie },
        payload: {
          message: 'Refund over the limit, need approval',
          notify: true,
          recipients: { userIds: [eliId], groupIds: [] },
        },
      })
      expect(raised.statusCode).toBe(201)
      const escalationId = raised.json().escalation.id as string
      const card = eli.locator('.alert-card').first()
      await card.waitFor()
      await eli.locator('.popup').first().waitFor()
      await eli.waitForTimeout(150) // let any layout settle before measuring
      expect(await boxOf(map)).toEqual(before)

      // the tabs (the phone's bottom navigation) and the open panel stay uncovered
      const tabs = await boxOf(eli.locator(phone ? '.bottom-nav' : '[role="tablist"]'))
      const panel = await boxOf(eli.locator(phone ? '.phone-main' : '[role="tabpanel"]'))
      for (const c of await eli.locator('.alert-card').all()) {
        const box = await boxOf(c)
        expect(intersects(box, tabs), `${viewport.name}: card over the tabs`).toBe(false)
        expect(intersects(box, panel), `${viewport.name}: card over the panel`).toBe(false)
      }
      await screenshot(eli, `workspace-${viewport.name}-alert`)
      await expectNoViolations(eli)

      const ended = await stage.flare.app.inject({
        method: 'DELETE',
        url: `/api/spaces/${spaceId}/escalations/${escalationId}`,
        headers: { cookie: danaCookie },
      })
      expect(ended.statusCode).toBeLessThan(300)
      await eli.locator('.popup').waitFor({ state: 'detached' })
      await card.waitFor({ state: 'detached' })
      expect(await boxOf(map)).toEqual(before)
    }
  })

  it('[4][10] the inbox takes the main pane with a live mini-map; space, inbox, ticket and settings pass axe in both themes', async () => {
    await stage.browsers[0]!.context.clearCookies()
    const page = await stage.browsers[0]!.context.newPage()
    await page.setViewportSize({ width: 1440, height: 900 })
    await logInAs(page, stage.flare.url, 'manager@flare.test')
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.getByRole('button', { name: /^Space/ }).click()
      await page.getByTestId('map').waitFor()
      await screenshot(page, `workspace-space-${scheme}`)
      await expectNoViolations(page)

      await page.getByRole('button', { name: /^Inbox/ }).click()
      await page.getByRole('list', { name: 'Tickets' }).waitFor()
      await page.locator('.mini-map .map-svg').waitFor()
      await expectNoViolations(page)
      await page.locator('.ticket-row').first().click()
      await page.getByRole('list', { name: 'Conversation' }).waitFor()
      await screenshot(page, `workspace-ticket-${scheme}`)
      await expectNoViolations(page)
    }
    // the mini-map takes you back to the map
    await page.locator('.mini-map').click()
    await page.getByTestId('map').waitFor()

    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('heading', { name: 'Business hours' }).waitFor()
    await expectNoViolations(page)
    await page.emulateMedia({ colorScheme: 'light' })
    await expectNoViolations(page)
  })
})
