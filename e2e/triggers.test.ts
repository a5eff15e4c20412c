import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { accessibilityViolations, hasChromium, logInAs, screenshot } from './support/browser.js'
import { demoInboxAsManager } from './support/demo.js'
import { useStage } from './support/stage.js'

describe.skipIf(!hasChromium())('instant triggers in the browser', () => {
  const stage = useStage(3)

  async function expectNoViolations(page: Page) {
    expect(await accessibilityViolations(page)).toEqual([])
  }

  it('[11.1.1] [11.1.7] a customer asking for a human flares up red on the assignee’s screen within a second', async () => {
    const { cookie, spaceId, inbox, get } = await demoInboxAsManager(stage.flare)
    const write = (body: string) =>
      fetch(`${stage.flare.url}/api/inbound/inboxes/${inbox.id}/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-flare-inbox-secret': inbox.webhookSecret,
        },
        body: JSON.stringify({
          customer: { name: 'Tom Becker', phone: '+15554440101' },
          subject: 'Parcel stuck in customs',
          body,
        }),
      })
    const first = await write('Hello, my parcel has been stuck in customs for a week')
    expect(first.ok).toBe(true)
    const { ticketId } = (await first.json()) as { ticketId: string }
    const danaId = (await get(`/api/spaces/${spaceId}`)).members.find(
      (m: { displayName: string }) => m.displayName === 'Dana Reyes',
    ).userId
    const assigned = await stage.flare.app.inject({
      method: 'PATCH',
      url: `/api/spaces/${spaceId}/tickets/${ticketId}`,
      headers: { cookie },
      payload: { assignedToUserId: danaId },
    })
    expect(assigned.statusCode).toBe(200)

    const dana = await stage.browsers[0]!.context.newPage()
    const eli = await stage.browsers[1]!.context.newPage()
    await logInAs(dana, stage.flare.url, 'dana@flare.test')
    await logInAs(eli, stage.flare.url, 'eli@flare.test')

    const card = dana.getByRole('article', {
      name: 'Customer asks for a person, level 1: Parcel stuck in customs',
    })
    const sent = Date.now()
    expect((await write('This is useless. I want to talk to a human now!')).ok).toBe(true)
    await card.waitFor({ timeout: 5000 })
    const elapsed = Date.now() - sent
    console.log(`[11.1] customer message to the red card on the assignee's screen: ${elapsed} ms`)
    expect(elapsed).toBeLessThan(1000)

    // red, as the urgent tone draws it, and said in words too
    const border = await card.evaluate((el) => getComputedStyle(el).borderTopColor)
    expect(border).toBe('rgb(214, 69, 69)')
    expect(await card.getByTestId('alert-trigger').textContent()).toBe(
      'Keyword trigger: “talk to a human”',
    )
    const conversation = card.getByRole('list', { name: 'Conversation with Tom Becker' })
    expect(await conversation.getByRole('listitem').count()).toBe(2)
    expect(await dana.evaluate(() => document.documentElement.dataset.alertsPlayed)).toBe('1')
    // the assignee alone: Eli is not targeted
    expect(await eli.locator('.alert-card').count()).toBe(0)
    await screenshot(dana, 'trigger-red-card')
    await expectNoViolations(dana)

    // the ticket shows each customer message's score and the history names the trigger
    await card.getByRole('button', { name: 'Open ticket' }).click()
    await dana.getByRole('heading', { name: 'Parcel stuck in customs', exact: true }).waitFor()
    const scores = dana.getByTestId('message-sentiment')
    await scores.first().waitFor()
    expect(await scores.count()).toBe(2)
    expect(await scores.nth(1).textContent()).toMatch(/^Unhappy −\d+$/)
    const history = dana.getByRole('list', { name: 'Escalation history' })
    expect(await history.textContent()).toContain('Keyword trigger')
    await screenshot(dana, 'trigger-ticket-view')
    await expectNoViolations(dana)
    await dana.close()
    await eli.close()
  })

  it('[11.1.4] a manager turns the sentiment trigger on in the inbox settings', async () => {
    const { spaceId, inbox, get } = await demoInboxAsManager(stage.flare)
    const page = await stage.browsers[2]!.context.newPage()
    await logInAs(page, stage.flare.url, 'manager@flare.test')
    await page.getByRole('link', { name: 'Settings' }).click()
    const form = page.getByRole('form', { name: /^Instant triggers for / })
    await form.waitFor()
    const phrases = form.getByRole('textbox', { name: 'Phrases, one a line' })
    expect(await phrases.inputValue()).toContain('talk to a human')
    await form.getByRole('checkbox', { name: 'Escalate an unhappy message' }).check()
    await form.getByRole('spinbutton', { name: 'At a score of (or lower)' }).fill('-5')
    // a phrase without words is refused, naming its line
    await phrases.fill('talk to a human\nthe')
    await form.getByRole('button', { name: 'Save' }).click()
    await form.getByText(/^Line 2: /).waitFor()
    await phrases.fill('talk to a human\nhablar con el gerente')
    await form.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => form.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true)
    const saved = await get(`/api/spaces/${spaceId}/inboxes/${inbox.id}/triggers`)
    expect(saved).toEqual({
      custom: true,
      triggers: {
        keyword: { enabled: true, phrases: ['talk to a human', 'hablar con el gerente'] },
        sentiment: { enabled: true, threshold: -5 },
        botFailure: { enabled: true, consecutiveFallbacks: 2 },
      },
    })
    await form.scrollIntoViewIfNeeded()
    await screenshot(page, 'settings-instant-triggers')
    await expectNoViolations(page)
    await page.close()
  })
})
