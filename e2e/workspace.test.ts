import { deflateSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  accessibilityViolations,
  hasChromium,
  horizontalOverflow,
  logInAs,
  screenshot,
} from './support/browser.js'
import { demoInboxAsManager } from './support/demo.js'
import type { RunningFlare } from './support/server.js'
import { useStage } from './support/stage.js'

/** What the server's scheduler offers tests: fire what is due at a given instant. */
interface SchedulerHook {
  scheduler?: { runDue(now?: Date): Promise<unknown[]> }
}

/** The zones and rooms of the map the escalated-tickets chip lies over (by their labels). */
async function roomsUnderChip(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const chip = document.querySelector('.ticket-chip')?.getBoundingClientRect()
    if (!chip) return ['no chip']
    return [...document.querySelectorAll('.floor .zone, .floor .room')]
      .filter((el) => {
        const r = el.getBoundingClientRect()
        return (
          r.left < chip.right && chip.left < r.right && r.top < chip.bottom && chip.top < r.bottom
        )
      })
      .map((el) => el.querySelector('text')?.textContent ?? el.getAttribute('class') ?? '?')
  })
}

const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'laptop', width: 1024, height: 768 },
  { name: 'tablet', width: 820, height: 1180 },
  { name: 'phone', width: 390, height: 844 },
] as const

/**
 * The sizes SPEC §10.5 holds the pages to: two phones, a tablet upright and lying down, a
 * desktop.
 */
const RESPONSIVE = [
  { width: 360, height: 740 },
  { width: 390, height: 844 },
  { width: 820, height: 1180 },
  { width: 1180, height: 820 },
  { width: 1440, height: 900 },
] as const

/** SPEC §10.5: an upright tablet stacks the side panel under the map. */
function isUprightTablet(size: { width: number; height: number }): boolean {
  return size.width > 700 && size.width <= 1100 && size.height > size.width
}

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

/** Nothing runs past the window's right edge, so nothing scrolls sideways (SPEC §10.5). */
async function expectNoOverflow(page: Page, where: string): Promise<void> {
  // let fonts, charts and late rows settle: they are what widens a page
  await page.waitForTimeout(250)
  const found = await horizontalOverflow(page)
  expect(found.offenders, `${where}: past the right edge`).toEqual([])
  expect(found.scrollWidth, `${where}: scrolls sideways`).toBeLessThanOrEqual(found.innerWidth)
}

/**
 * The map and the side panel where SPEC §10.5 puts them: upright on a tablet, the map on top
 * over the whole width, as tall as the floor's shape needs (the fitted floor fills it, no empty
 * bands), the panel under it and no width handle; otherwise the panel beside the map with its
 * handle.
 */
async function expectWorkspaceLayout(
  page: Page,
  size: { width: number; height: number },
): Promise<void> {
  const at = `${size.width}×${size.height}`
  const map = await boxOf(page.getByTestId('map'))
  const panel = await boxOf(page.getByRole('complementary', { name: 'Side panel' }))
  const handle = page.getByRole('separator', { name: 'Side panel width' })
  if (isUprightTablet(size)) {
    expect(panel.y, `${at}: the panel under the map`).toBeGreaterThan(map.y + map.height)
    expect(Math.abs(panel.width - map.width), `${at}: both the whole width`).toBeLessThan(4)
    expect(map.width, `${at}: the map the whole width`).toBeGreaterThan(size.width - 40)
    // the floor's shape decides the height, within a share of the window
    expect(map.height / size.height, `${at}: the map's share`).toBeGreaterThan(0.3)
    expect(map.height / size.height, `${at}: the map's share`).toBeLessThan(0.6)
    const floor = await page
      .locator('.floor-bg')
      .first()
      .evaluate((el) => {
        const stage = el.closest('.map-stage')?.getBoundingClientRect()
        // the office: its team areas and its meeting rooms
        const drawn = [...document.querySelectorAll('[data-testid="map"] :is(.zone, .room)')].map(
          (z) => z.getBoundingClientRect(),
        )
        return {
          stageHeight: stage?.height ?? 0,
          top: Math.min(...drawn.map((z) => z.top)) - (stage?.top ?? 0),
          bottom: (stage?.bottom ?? 0) - Math.max(...drawn.map((z) => z.bottom)),
        }
      })
    // no empty band above or below the office wider than a tenth of the map
    expect(floor.top, `${at}: empty floor above`).toBeLessThan(floor.stageHeight / 10)
    expect(floor.bottom, `${at}: empty floor below`).toBeLessThan(floor.stageHeight / 10)
    expect(await handle.isVisible(), `${at}: no width handle`).toBe(false)
  } else {
    expect(panel.x, `${at}: the panel beside the map`).toBeGreaterThan(map.x + map.width)
    expect(Math.abs(panel.y - map.y), `${at}: level with the map`).toBeLessThan(4)
    expect(await handle.isVisible(), `${at}: the width handle`).toBe(true)
  }
}

/** Closes the first login's welcome card, if it is there, so the Hands tab shows hands. */
async function notNow(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: 'Not now' })
  if (await button.count()) await button.click()
}

/** A 320×320 PNG portrait (a face on a sky), as someone's photo would be. */
function portrait(): Buffer {
  const side = 320
  const rows: Buffer[] = []
  for (let y = 0; y < side; y += 1) {
    const row = Buffer.alloc(1 + side * 3)
    for (let x = 0; x < side; x += 1) {
      const head = (x - 160) ** 2 + (y - 135) ** 2 < 60 ** 2
      const shoulders = y > 215 && Math.abs(x - 160) < 120 - Math.max(0, 265 - y)
      const [r, g, b] = head
        ? [224, 172, 135]
        : shoulders
          ? [40, 70, 120]
          : [90 + (y >> 2), 150 + (y >> 3), 205]
      row.set([r, g, b], 1 + x * 3)
    }
    rows.push(row)
  }
  const crc = (bytes: Buffer) => {
    let c = ~0
    for (const byte of bytes) {
      c ^= byte
      for (let k = 0; k < 8; k += 1) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
    }
    return ~c >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const out = Buffer.alloc(body.length + 8)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc(body), body.length + 4)
    return out
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(side, 0)
  header.writeUInt32BE(side, 4)
  header.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
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
    const composer = eli.getByRole('textbox', { name: 'Message Everyone' })
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
    // the approacher stands beside the raiser: neither the avatars nor their names overlap
    await dana.waitForTimeout(400) // the walk's transition
    const faces = await Promise.all(
      [danaId, eliId].map((id) => boxOf(dana.locator(`.avatar[data-user-id="${id}"] .ring`))),
    )
    const names = await Promise.all(
      [danaId, eliId].map((id) =>
        boxOf(dana.locator(`.avatar-label[data-user-id="${id}"] .name-label`)),
      ),
    )
    expect(intersects(faces[0]!, faces[1]!), 'the two avatars overlap').toBe(false)
    expect(intersects(names[0]!, names[1]!), 'the two names overlap').toBe(false)
    expect(intersects(names[0]!, faces[1]!), "Dana's name is over Eli").toBe(false)
    expect(intersects(names[1]!, faces[0]!), "Eli's name is over Dana").toBe(false)
    // on the map, too: the approaching avatar says so under its name
    await dana
      .locator(`.avatar-label[data-user-id="${eliId}"] .note-label`, {
        hasText: 'approaching',
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

  it('[2.6] a member sets a profile picture and everyone in the space sees it on the map', async () => {
    for (const b of stage.browsers) await b.context.clearCookies()
    const [dana, eli] = await Promise.all(stage.browsers.map((b) => b.context.newPage()))
    if (!dana || !eli) throw new Error('pages')
    for (const page of [dana, eli]) await page.setViewportSize({ width: 1440, height: 900 })
    await logInAs(dana, stage.flare.url, 'dana@flare.test')
    await logInAs(eli, stage.flare.url, 'eli@flare.test')
    const danaId = (await dana.locator('.avatar.me').getAttribute('data-user-id')) ?? ''

    // the profile is in the account menu, your face at the end of the top bar
    await dana.getByTestId('who-am-i').click()
    await dana.getByRole('menuitem', { name: 'Profile' }).click()
    const dialog = dana.getByRole('dialog', { name: 'Your profile' })
    await dialog.waitFor()
    await dialog
      .getByTestId('picture-input')
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: portrait() })
    // shown first as everyone will see it; nothing is saved until Dana says so
    await dialog.getByRole('img', { name: 'Your new picture, as others will see it' }).waitFor()
    await screenshot(dana, 'profile-picture-preview')
    await dialog.getByRole('button', { name: 'Save picture' }).click()
    await dialog.getByText('Your picture is saved.').waitFor()
    await screenshot(dana, 'profile-picture')
    await expectNoViolations(dana)
    await dana.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })

    // Eli's map shows it at once, in Dana's circle, and the server serves it as an image
    const picture = eli.locator(`.avatar[data-user-id="${danaId}"] image.picture`)
    await picture.waitFor()
    const href = (await picture.getAttribute('href')) ?? ''
    expect(href).toMatch(new RegExp(`^/api/users/${danaId}/picture\\?v=`))
    const served = await eli.evaluate(async (url) => {
      const res = await fetch(url)
      return { type: res.headers.get('content-type'), size: (await res.blob()).size }
    }, href)
    expect(served.type).toMatch(/^image\/(webp|png|jpeg)$/)
    expect(served.size).toBeGreaterThan(100)
    await eli.getByRole('tab', { name: 'People' }).click()
    await eli.locator('.members .member-avatar img').first().waitFor()
    await eli.getByRole('tab', { name: 'Hands' }).click()
    for (const page of [dana, eli]) await page.close()
  })

  it('[6.6][10] a ticket escalation flares on the map for everyone, whoever it went to', async () => {
    for (const b of stage.browsers) await b.context.clearCookies()
    const { cookie, spaceId, inbox, get } = await demoInboxAsManager(stage.flare)
    const [dana, gus] = await Promise.all(stage.browsers.map((b) => b.context.newPage()))
    if (!dana || !gus) throw new Error('pages')
    for (const page of [dana, gus]) await page.setViewportSize({ width: 1440, height: 900 })
    await logInAs(dana, stage.flare.url, 'dana@flare.test')
    await logInAs(gus, stage.flare.url, 'gus@flare.test')
    const danaId = (await dana.locator('.avatar.me').getAttribute('data-user-id')) ?? ''

    const inbound = await fetch(`${stage.flare.url}/api/inbound/inboxes/${inbox.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-flare-inbox-secret': inbox.webhookSecret },
      body: JSON.stringify({
        customer: { name: 'Noor Haddad', phone: '+15554440077' },
        subject: 'Charged twice for one order',
        body: 'I was charged twice, please refund one',
      }),
    })
    const { ticketId } = (await inbound.json()) as { ticketId: string }
    const assigned = await stage.flare.app.inject({
      method: 'PATCH',
      url: `/api/spaces/${spaceId}/tickets/${ticketId}`,
      headers: { cookie },
      payload: { assignedToUserId: danaId },
    })
    expect(assigned.statusCode).toBe(200)
    // the demo's first rule (the assignee after 5 minutes), asked at 6 minutes from now
    const { scheduler } = stage.flare.app as FastifyInstance & SchedulerHook
    await scheduler!.runDue(new Date(Date.now() + 6 * 60_000))
    expect((await get(`/api/spaces/${spaceId}/tickets/${ticketId}`)).ticket.escalationLevel).toBe(1)

    // Gus is not a target: no card for him, but the flare on Dana and the count in the corner
    const flare = gus.locator(`.ticket-flare[data-user-id="${danaId}"]`)
    const badge = flare.getByRole('button', { name: /Charged twice for one order/ })
    await badge.waitFor()
    await flare.locator('.ticket-flare-ring').waitFor()
    expect(await gus.locator('.alert-card').count()).toBe(0)
    expect(await badge.getAttribute('aria-label')).toMatch(
      /^Ticket escalation, level 1, to Dana Reyes: Charged twice for one order\. Open the ticket\.$|ticket escalations to Dana Reyes/,
    )
    await gus.getByRole('button', { name: /^\d+ tickets? escalated$/ }).waitFor()
    await expectNoViolations(gus)
    // the count floats in the map's corner without covering the office, also where the floor
    // is fitted to the pane's height (a short window) rather than its width
    for (const size of [
      { width: 1600, height: 700 },
      { width: 1280, height: 600 },
      { width: 1280, height: 720 },
    ]) {
      await gus.setViewportSize(size)
      await expect
        .poll(() => roomsUnderChip(gus), { message: `${size.width}×${size.height}` })
        .toEqual([])
    }
    await gus.setViewportSize({ width: 1440, height: 900 })
    // Dana, the target, has the card and the same flare on her own avatar
    await dana.getByRole('article', { name: /Charged twice for one order/ }).waitFor()
    await dana.locator(`.ticket-flare[data-user-id="${danaId}"] .ticket-flare-badge`).waitFor()
    await screenshot(gus, 'workspace-ticket-flare')

    // anyone can open it from the map; the mini-map still flares
    await badge.click()
    await gus.getByRole('heading', { name: 'Charged twice for one order', exact: true }).waitFor()
    await gus.locator('.mini-map .ticket-flare .ticket-flare-ring').first().waitFor()
    await screenshot(gus, 'workspace-ticket-flare-inbox')
    await expectNoViolations(gus)
    await gus.getByRole('button', { name: /^Space/ }).click()
    for (const page of [dana, gus]) await page.close()
  })

  it('[3][10] alerts never move the map nor cover the tabs or the open panel, at four sizes', async () => {
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
    await notNow(eli)
    const danaCookie = await cookieOf(stage.flare, 'dana@flare.test')
    const eliId = (await eli.locator('.avatar.me').getAttribute('data-user-id')) ?? ''
    const spaceId = new URL(eli.url()).pathname.split('/')[2] ?? ''

    for (const viewport of VIEWPORTS) {
      await eli.setViewportSize({ width: viewport.width, height: viewport.height })
      const phone = viewport.width < 700
      const map = eli.getByTestId('map')
      // the layout for this size first (the phone's has bottom navigation), then measure
      await eli.locator('.bottom-nav').waitFor({ state: phone ? 'visible' : 'detached' })
      await map.waitFor()
      const before = await boxOf(map)
      if (!phone) {
        // fitted, the floor fills the whole pane: no empty band above or beside it
        await expect
          .poll(async () => {
            const floor = await boxOf(map.locator('.map-stage'))
            return Math.max(
              Math.abs(floor.x - before.x),
              Math.abs(floor.y - before.y),
              Math.abs(floor.width - before.width),
              Math.abs(floor.height - before.height),
            )
          })
          .toBeLessThan(2)
      }

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

  it('[3.5][10] on a phone, a hand beyond the part of the map on show is pinned to the edge that leads to it', async () => {
    for (const b of stage.browsers) await b.context.clearCookies()
    const manager = await cookieOf(stage.flare, 'manager@flare.test')
    const spaceId = await spaceIdOf(stage.flare)
    await stage.flare.app.inject({
      method: 'POST',
      url: `/api/spaces/${spaceId}/escalations/lower-all`,
      headers: { cookie: manager },
    })
    const [dana, max] = await Promise.all(stage.browsers.map((b) => b.context.newPage()))
    if (!dana || !max) throw new Error('pages')
    await max.setViewportSize({ width: 390, height: 844 })
    await logInAs(dana, stage.flare.url, 'dana@flare.test')
    await logInAs(max, stage.flare.url, 'manager@flare.test')
    await max.locator('.avatar.me').waitFor()
    const raised = await stage.flare.app.inject({
      method: 'POST',
      url: `/api/spaces/${spaceId}/escalations`,
      headers: { cookie: await cookieOf(stage.flare, 'dana@flare.test') },
      payload: {
        message: 'Need a second look',
        notify: false,
        recipients: { userIds: [], groupIds: [] },
      },
    })
    expect(raised.statusCode).toBe(201)
    const escalationId = raised.json().escalation.id as string

    // the phone's map shows the floor round Max: Dana's desk is beyond it, so her hand is a pin
    // at the edge, inside the map, naming her and the way to go
    const map = max.getByTestId('map')
    const pin = max.getByRole('button', {
      name: /^Hand raised by Dana Reyes, off the map (to the left|to the right|above|below): show$/,
    })
    await pin.waitFor()
    const shown = await boxOf(map)
    const pinBox = await boxOf(pin)
    expect(pinBox.x).toBeGreaterThanOrEqual(shown.x)
    expect(pinBox.x + pinBox.width).toBeLessThanOrEqual(shown.x + shown.width)
    expect(pinBox.height).toBeGreaterThanOrEqual(32)
    await screenshot(max, 'phone-hand-pin')

    // pressing it brings her into view, with her pop-up, and the pin goes
    await pin.click()
    const popup = max.locator(`.popup[data-escalation-id="${escalationId}"]`)
    await popup.waitFor()
    await pin.waitFor({ state: 'detached' })
    const danaId = raised.json().escalation.raisedBy as string
    await expect
      .poll(async () => {
        const face = await boxOf(max.locator(`.avatar[data-user-id="${danaId}"] .ring`))
        return face.x >= shown.x && face.x + face.width <= shown.x + shown.width
      })
      .toBe(true)
    await stage.flare.app.inject({
      method: 'POST',
      url: `/api/spaces/${spaceId}/escalations/lower-all`,
      headers: { cookie: manager },
    })
    await dana.close()
    await max.close()
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

  it('[10.5][10] from a 360 px phone to 1440 px nothing runs off the side, an upright tablet stacks the panel under the map, and the account menu works by keyboard and logs you out', async () => {
    await stage.browsers[0]!.context.clearCookies()
    const spaceId = await spaceIdOf(stage.flare)
    const manager = await cookieOf(stage.flare, 'manager@flare.test')
    // a fired ticket escalation fills the delivery log; a hand gives the Hands heading its count
    // and "Lower all"
    const { scheduler } = stage.flare.app as FastifyInstance & SchedulerHook
    await scheduler!.runDue(new Date(Date.now() + 10 * 60_000))
    const raised = await stage.flare.app.inject({
      method: 'POST',
      url: `/api/spaces/${spaceId}/escalations`,
      headers: { cookie: await cookieOf(stage.flare, 'dana@flare.test') },
      payload: {
        message: 'Caller on hold',
        notify: false,
        recipients: { userIds: [], groupIds: [] },
      },
    })
    expect(raised.statusCode).toBe(201)

    const page = await stage.browsers[0]!.context.newPage()
    await page.setViewportSize({ width: 1440, height: 900 })
    // the admin: the settings page has every section, Members & groups too
    await logInAs(page, stage.flare.url, 'admin@flare.test')
    await notNow(page)
    const spaceUrl = page.url()
    const account = page.getByTestId('who-am-i')
    const menu = page.getByRole('menu', { name: 'Your account' })

    for (const size of RESPONSIVE) {
      await page.setViewportSize(size)
      const phone = size.width < 700
      const at = `${size.width} px`
      await page.goto(spaceUrl)
      await page.locator('.avatar.me').waitFor()
      await page.locator('.bottom-nav').waitFor({ state: phone ? 'visible' : 'detached' })
      await page.locator('.hand-item').first().waitFor()
      await expectNoOverflow(page, `${at}, the space`)
      if (!phone) await expectWorkspaceLayout(page, size)
      // the Hands heading whole and on one line, its count and "Lower all" beside or under it
      const heading = await page.locator('#hands-heading').evaluate((el) => ({
        clipped: el.scrollWidth > el.clientWidth,
        lines: Math.round(
          el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight),
        ),
      }))
      expect(heading, `${at}: the Hands heading`).toEqual({ clipped: false, lines: 1 })

      // the account menu, by keyboard: the status joins it below 1000 px
      await account.focus()
      await page.keyboard.press('Enter')
      await menu.waitFor()
      expect(await account.getAttribute('aria-expanded')).toBe('true')
      expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toMatch(
        /^menuitem/,
      )
      await menu.getByRole('menuitem', { name: 'Profile' }).waitFor()
      expect(
        await menu
          .getByRole('group', { name: 'Theme' })
          .getByRole('menuitemradio')
          .allTextContents(),
      ).toEqual(['System', 'Light', 'Dark'])
      await menu.getByRole('menuitem', { name: 'Log out' }).waitFor()
      const narrow = size.width < 1000
      expect(await menu.getByRole('group', { name: 'Your status' }).count(), at).toBe(
        narrow ? 1 : 0,
      )
      expect(await page.getByRole('combobox', { name: 'Your status' }).count(), at).toBe(
        narrow ? 0 : 1,
      )
      await expectNoOverflow(page, `${at}, the open account menu`)
      await screenshot(page, `account-menu-${size.width}`)
      await expectNoViolations(page)
      await page.keyboard.press('Escape')
      await menu.waitFor({ state: 'detached' })
      expect(await account.evaluate((el) => el === document.activeElement)).toBe(true)

      // a ticket, and the supervisor's view where the bar offers it
      if (phone) {
        await page.locator('.bottom-nav').getByRole('button', { name: 'Inbox' }).click()
      } else {
        await page.getByRole('button', { name: /^Inbox/ }).click()
      }
      await page.locator('.ticket-row').first().click()
      await page.getByRole('list', { name: 'Conversation' }).waitFor()
      await expectNoOverflow(page, `${at}, a ticket`)
      if (!phone) {
        await page.getByRole('button', { name: 'Supervisor', exact: true }).click()
        await page.getByRole('heading', { name: 'Escalation rate', exact: true }).waitFor()
        await expectNoOverflow(page, `${at}, the supervisor's view`)
        // its tabs wrap in a narrow pane rather than losing the last one under the edge
        const tabs = page.getByRole('tablist', { name: "Supervisor's view" })
        const row = await boxOf(tabs)
        for (const tab of await tabs.getByRole('tab').all()) {
          const box = await boxOf(tab)
          expect(box.x + box.width, `${at}: a tab cut off`).toBeLessThanOrEqual(row.x + row.width)
        }
        await page.getByRole('button', { name: /^Space/ }).click()
      }

      await page.goto(`${spaceUrl}/settings`)
      await page.getByRole('list', { name: 'Members' }).waitFor()
      await page.getByRole('heading', { name: 'Escalation rules', exact: true }).waitFor()
      // every group opened, as an admin editing them sees its form and member picker
      await page.locator('details.group-item').evaluateAll((all) => {
        for (const d of all) if (d instanceof HTMLDetailsElement) d.open = true
      })
      await expectNoOverflow(page, `${at}, settings`)
      // "On this page" stays in view however far down the page goes (a column beside the
      // sections, or a strip along the top), and a section it leads to is not under it
      const nav = page.getByRole('navigation', { name: 'On this page' })
      await nav.getByRole('link', { name: 'Members & groups' }).click()
      await expect
        .poll(() => page.evaluate(() => window.scrollY), { message: at })
        .toBeGreaterThan(500)
      const navBox = await boxOf(nav)
      expect(navBox.y, `${at}: "On this page" scrolled away`).toBeGreaterThanOrEqual(0)
      expect(navBox.y, `${at}: "On this page" scrolled away`).toBeLessThan(size.height / 4)
      const members = await boxOf(page.locator('#members-and-groups'))
      if (size.width < 1100) {
        expect(members.y, `${at}: the section is under the strip`).toBeGreaterThanOrEqual(
          navBox.y + navBox.height,
        )
      }

      await page.goto(`${spaceUrl}/deliveries`)
      await page.locator('tr.delivery').first().waitFor()
      await expectNoOverflow(page, `${at}, the delivery log`)
    }

    // logging out from the menu, by keyboard, on a phone: ArrowUp opens it on its last item
    await page.setViewportSize({ width: 360, height: 740 })
    await page.goto(spaceUrl)
    await page.locator('.avatar.me').waitFor()
    await account.focus()
    await page.keyboard.press('ArrowUp')
    await menu.waitFor()
    expect(await focusedText(page)).toBe('Log out')
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    await page.reload()
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    await page.close()
    await stage.flare.app.inject({
      method: 'POST',
      url: `/api/spaces/${spaceId}/escalations/lower-all`,
      headers: { cookie: manager },
    })
  })
})
