import { describe, expect, it } from 'vitest'
import { hasChromium, logInAs, screenshot } from './support/browser.js'
import { useStage } from './support/stage.js'

describe.skipIf(!hasChromium())('two people in the space', () => {
  const stage = useStage(2)

  it('[2] one walks by clicking the map and the other sees it within a second; a reload shows the same', async () => {
    const [danaBrowser, maxBrowser] = stage.browsers
    const dana = await danaBrowser!.context.newPage()
    const max = await maxBrowser!.context.newPage()
    await logInAs(dana, stage.flare.url, 'dana@flare.test')
    await logInAs(max, stage.flare.url, 'manager@flare.test')
    await dana.getByRole('img', { name: 'Max Manager, available' }).waitFor()

    const danaId = await dana.locator('.avatar.me').getAttribute('data-user-id')
    const onMax = max.locator(`.avatar[data-user-id="${danaId}"]`)
    const before = Number(await onMax.getAttribute('data-x'))

    // click well to the right of where Dana stands, in open floor
    const box = await dana
      .locator('svg', { has: dana.locator('title', { hasText: 'Map of' }) })
      .boundingBox()
    if (!box) throw new Error('no map')
    const clickedAt = Date.now()
    await dana.mouse.click(box.x + box.width * 0.85, box.y + box.height * 0.8)
    await expect
      .poll(async () => Number(await onMax.getAttribute('data-x')), { timeout: 1000, interval: 25 })
      .toBeGreaterThan(before + 100)
    expect(Date.now() - clickedAt).toBeLessThan(1000)
    const landed = { x: await onMax.getAttribute('data-x'), y: await onMax.getAttribute('data-y') }
    await max.waitForTimeout(400) // let the glide finish for the picture
    await screenshot(max, 'presence-other-moved')

    // keyboard: Max walks with the arrow keys and Dana sees it
    const maxId = await max.locator('.avatar.me').getAttribute('data-user-id')
    const maxOnDana = dana.locator(`.avatar[data-user-id="${maxId}"]`)
    const maxBefore = Number(await maxOnDana.getAttribute('data-y'))
    await max.getByTestId('map').focus()
    for (let i = 0; i < 4; i += 1) await max.keyboard.press('ArrowDown')
    await expect
      .poll(async () => Number(await maxOnDana.getAttribute('data-y')))
      .toBe(maxBefore + 4 * 24)

    // a reload shows the same state as before it
    await max.reload()
    await max.locator('.avatar.me').waitFor()
    const afterReload = max.locator(`.avatar[data-user-id="${danaId}"]`)
    expect({
      x: await afterReload.getAttribute('data-x'),
      y: await afterReload.getAttribute('data-y'),
    }).toEqual(landed)
    expect(Number(await max.locator('.avatar.me').getAttribute('data-y'))).toBe(maxBefore + 4 * 24)
  })
})
