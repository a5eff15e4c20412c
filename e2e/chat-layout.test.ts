import { describe, expect, it } from 'vitest'
import { hasChromium, logInAs, screenshot } from './support/browser.js'
import { useStage } from './support/stage.js'

describe.skipIf(!hasChromium())('a chat as a column', () => {
  const stage = useStage(1)

  it('[2] keeps its composer at the bottom of the panel, under a short thread and a long one', async () => {
    const page = await stage.browsers[0]!.context.newPage()
    await page.setViewportSize({ width: 1440, height: 900 })
    await logInAs(page, stage.flare.url, 'manager@flare.test')
    await page.getByRole('tab', { name: 'Chat' }).click()
    await page.getByRole('button', { name: /^# Everyone/ }).click()
    const composer = page.getByRole('textbox', { name: 'Message Everyone' })
    const messages = page.getByRole('log', { name: 'Messages with Everyone' })
    const gapUnder = async () => {
      const panel = await page.getByRole('tabpanel').boundingBox()
      const input = await composer.boundingBox()
      if (!panel || !input) throw new Error('no chat panel on show')
      return panel.y + panel.height - (input.y + input.height)
    }

    await composer.fill('Morning all')
    await composer.press('Enter')
    await messages.getByText('Morning all').waitFor()
    // at the bottom of the panel, not under the last message halfway up it
    expect(await gapUnder()).toBeLessThan(40)

    for (let n = 1; n <= 14; n += 1) {
      await composer.fill(`Update ${n}: the refunds queue is down to ${20 - n}`)
      await composer.press('Enter')
      await messages.getByText(`Update ${n}:`).waitFor()
    }
    // a long thread scrolls in its own box, the newest message in view, the composer still put
    // (the log sits in the box that scrolls, `.chat-messages`)
    expect(
      await messages.evaluate((el) => {
        const box = el.closest('.chat-messages')
        return box !== null && box.scrollHeight > box.clientHeight
      }),
    ).toBe(true)
    expect(await gapUnder()).toBeLessThan(40)
    const newest = await messages.getByText('Update 14:').boundingBox()
    const input = await composer.boundingBox()
    expect(newest && input && newest.y + newest.height <= input.y).toBe(true)
    await screenshot(page, 'chat-composer-at-bottom')
  })
})
