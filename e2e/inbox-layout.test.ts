import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { hasChromium, logInAs, screenshot } from './support/browser.js'
import { customerWrites, demoInboxAsManager } from './support/demo.js'
import { useStage } from './support/stage.js'

const VIEWPORTS = [
  { name: 'laptop', width: 1440, height: 900 },
  { name: 'tablet-upright', width: 820, height: 1180 },
  { name: 'phone', width: 390, height: 844 },
] as const

/** Whether all of the element is inside the window. */
async function inWindow(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox()
  const size = page.viewportSize()
  if (!box || !size) return false
  return box.y >= 0 && box.y + box.height <= size.height + 0.5 && box.x + box.width <= size.width
}

describe.skipIf(!hasChromium())('replying without scrolling', () => {
  const stage = useStage(1)

  it('[4] a ticket opens at its newest message with the reply box in view, at every size', async () => {
    const view = await demoInboxAsManager(stage.flare)
    const ticketId = await customerWrites(stage.flare, view.inbox, {
      name: 'Rosa Diaz',
      phone: '+15554440101',
      subject: 'Parcel lost twice',
      body: 'My parcel was lost again. Where is it?',
    })
    // a long conversation: several notes, each a few lines, so it cannot fit any pane
    for (let n = 1; n <= 8; n += 1) {
      const note = await stage.flare.app.inject({
        method: 'POST',
        url: `/api/spaces/${view.spaceId}/tickets/${ticketId}/notes`,
        headers: { cookie: view.cookie },
        payload: { body: `Note ${n}: checked with the carrier, `.repeat(4).trim() },
      })
      expect(note.statusCode).toBe(201)
    }
    const page = await stage.browsers[0]!.context.newPage()
    await logInAs(page, stage.flare.url, 'manager@flare.test')

    for (const size of VIEWPORTS) {
      await page.setViewportSize({ width: size.width, height: size.height })
      await page.goto(`${stage.flare.url}/spaces/${view.spaceId}?ticket=${ticketId}`)
      await page.getByRole('heading', { name: 'Parcel lost twice' }).waitFor()
      const newest = page.getByRole('list', { name: 'Conversation' }).getByText(/^Note 8:/)
      await newest.waitFor()
      const send = page.getByRole('button', { name: 'Send reply' })
      const field = page.getByLabel('Message')
      await expect
        .poll(() => inWindow(page, send), { message: `${size.name}: Send reply` })
        .toBe(true)
      expect(await inWindow(page, field), `${size.name}: the reply box`).toBe(true)
      expect(await inWindow(page, newest), `${size.name}: the newest message`).toBe(true)
      // the conversation scrolls in its own box; the page itself does not
      const region = page.getByRole('region', { name: 'Escalations and conversation' })
      const scrolls = await region.evaluate((el) => el.scrollHeight > el.clientHeight)
      expect(scrolls, `${size.name}: the conversation scrolls`).toBe(true)
      await screenshot(page, `inbox-reply-in-view-${size.name}`)
    }
  })
})
