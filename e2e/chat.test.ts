import { describe, expect, it } from 'vitest'
import { accessibilityViolations, hasChromium, logInAs, screenshot } from './support/browser.js'
import { useStage } from './support/stage.js'

describe.skipIf(!hasChromium())('two people chatting', () => {
  const stage = useStage(2)

  it('[2] one sends a space message with a mention and a direct message; the other sees both', async () => {
    const [danaBrowser, maxBrowser] = stage.browsers
    const dana = await danaBrowser!.context.newPage()
    const max = await maxBrowser!.context.newPage()
    await logInAs(dana, stage.flare.url, 'dana@flare.test')
    await logInAs(max, stage.flare.url, 'manager@flare.test')

    await max.getByRole('tab', { name: 'Chat' }).click()
    await max.getByRole('button', { name: /^# Everyone/ }).waitFor()

    // Dana writes in the space channel, mentioning Max through the autocomplete
    await dana.getByRole('tab', { name: 'Chat' }).click()
    await dana.getByRole('button', { name: /^# Everyone/ }).click()
    const composer = dana.getByRole('textbox', { name: 'Message Everyone' })
    await composer.click()
    await composer.pressSequentially('Queue is long, @max')
    await dana.getByRole('option', { name: /Max Manager/ }).waitFor()
    expect(await accessibilityViolations(dana)).toEqual([])
    await composer.press('Enter')
    await composer.pressSequentially('can you help?')
    await composer.press('Enter')
    await dana
      .getByRole('log', { name: 'Messages with Everyone' })
      .getByText('can you help?')
      .waitFor()

    // Max sees the unread badge, then the message with the mention marked
    // named with the mention, so it is not missed
    await max.getByRole('button', { name: /^# Everyone mentions you 1 unread/ }).click()
    const everyone = max.getByRole('log', { name: 'Messages with Everyone' })
    await everyone.getByText('Queue is long, @max.manager can you help?').waitFor()
    expect(await everyone.locator('strong.mention').textContent()).toBe('@max.manager')

    // then a direct message, started from "Message someone"
    await dana.getByRole('button', { name: '← Chats' }).click()
    const who = dana.getByRole('combobox', { name: 'Message someone' })
    await who.fill('max')
    await dana.getByRole('option', { name: /Max Manager/ }).click()
    const dm = dana.getByRole('textbox', { name: 'Message Max Manager' })
    await dm.fill('Call on line 3 is yours')
    await dm.press('Enter')
    await dana
      .getByRole('log', { name: 'Messages with Max Manager' })
      .getByText('Call on line 3 is yours')
      .waitFor()

    await max.getByRole('button', { name: '← Chats' }).click()
    await max.getByRole('button', { name: /^Dana Reyes 1 unread/ }).click()
    await max
      .getByRole('log', { name: 'Messages with Dana Reyes' })
      .getByText('Call on line 3 is yours')
      .waitFor()
    await screenshot(max, 'chat-direct-message')
    expect(await accessibilityViolations(max)).toEqual([])

    // history is stored: after a reload the thread shows the same messages
    await max.reload()
    await max.getByRole('tab', { name: 'Chat' }).click()
    await max.getByRole('button', { name: /^Dana Reyes/ }).click()
    await max
      .getByRole('log', { name: 'Messages with Dana Reyes' })
      .getByText('Call on line 3 is yours')
      .waitFor()
  })
})
