import { describe, expect, it } from 'vitest'
import { accessibilityViolations, hasChromium, logInAs, screenshot } from './support/browser.js'
import { demoInboxAsManager } from './support/demo.js'
import { useStage } from './support/stage.js'

describe.skipIf(!hasChromium())('the inbox in a logged-in browser', () => {
  const stage = useStage(1)

  it('[4][6.2] a text to the SMS webhook shows up within a second; a reply from the page ends its wait', async () => {
    const { inbox, cookie, spaceId } = await demoInboxAsManager(stage.flare)
    const page = await stage.browsers[0]!.context.newPage()
    await logInAs(page, stage.flare.url, 'dana@flare.test')
    await page.getByRole('tab', { name: 'Inbox' }).click()
    await page.getByRole('list', { name: 'Tickets' }).waitFor()

    const sentAt = Date.now()
    const res = await fetch(`${stage.flare.url}/api/inbound/sms`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-flare-inbox-secret': inbox.webhookSecret,
      },
      body: new URLSearchParams({
        From: '+15554440001',
        To: inbox.channelAddress,
        Body: 'My parcel never arrived',
        MessageSid: 'SMe2e0001',
      }).toString(),
    })
    expect(res.status).toBe(200)
    const row = page.getByRole('button', { name: /My parcel never arrived/ }).first()
    await row.waitFor({ timeout: 1000 })
    expect(Date.now() - sentAt).toBeLessThan(1000)
    expect(await row.textContent()).toContain('Waiting')
    await screenshot(page, 'inbox-new-ticket')
    expect(await accessibilityViolations(page)).toEqual([])

    // keyboard: open the ticket, write and send the reply
    await row.focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'My parcel never arrived' }).waitFor()
    expect(await page.getByTestId('ticket-waiting').textContent()).toContain('Waiting')
    await page.getByLabel('Message').fill('Sorry about that, a new one is on its way.')
    await page.keyboard.press('Control+Enter')
    await page
      .getByRole('list', { name: 'Conversation' })
      .getByText('Sorry about that, a new one is on its way.')
      .waitFor()
    await expect.poll(() => page.getByTestId('ticket-waiting').textContent()).toBe('')
    await screenshot(page, 'inbox-replied')
    expect(await accessibilityViolations(page)).toEqual([])

    const list = await stage.flare.app.inject({
      method: 'GET',
      url: `/api/spaces/${spaceId}/tickets?status=open`,
      headers: { cookie },
    })
    const ticket = list
      .json()
      .tickets.find((x: { customer: { phone: string } }) => x.customer.phone === '+15554440001')
    expect(ticket.waitingSince).toBeNull()
  })
})
