import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { accessibilityViolations, hasChromium, logInAs, screenshot } from './support/browser.js'
import { demoInboxAsManager } from './support/demo.js'
import { useStage } from './support/stage.js'

/** What the server's scheduler offers tests: fire what is due at a given instant. */
interface SchedulerHook {
  scheduler?: { runDue(now?: Date): Promise<unknown[]> }
}

describe.skipIf(!hasChromium())('automatic escalations in the browser', () => {
  const stage = useStage(4)

  async function expectNoViolations(page: Page) {
    expect(await accessibilityViolations(page)).toEqual([])
  }

  it('[5][6.1] an admin changes the business hours and adds a rule through the settings page', async () => {
    const { spaceId, get } = await demoInboxAsManager(stage.flare)
    const page = await stage.browsers[2]!.context.newPage()
    await logInAs(page, stage.flare.url, 'admin@flare.test')
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('heading', { name: 'Business hours', level: 2 }).waitFor()
    expect(new URL(page.url()).pathname).toBe(`/spaces/${spaceId}/settings`)
    const hours = page.getByRole('form', { name: 'Business hours of the space' })
    const save = hours.getByRole('button', { name: 'Save' })
    await save.waitFor()
    expect(await save.isDisabled()).toBe(true)
    await screenshot(page, 'settings-admin')
    await expectNoViolations(page)

    // a split shift on Monday, and Saturday mornings
    await hours.getByRole('radio', { name: 'Different hours per day' }).click()
    await hours.getByRole('button', { name: 'Add an interval on Monday' }).click()
    const mondayTo = hours.getByRole('textbox', { name: 'to' }).nth(1)
    await mondayTo.fill('12:00')
    await hours.getByRole('alert').waitFor()
    await screenshot(page, 'settings-business-hours-invalid')
    await mondayTo.fill('20:00')
    await hours.getByRole('checkbox', { name: 'Saturday' }).check()
    expect(await save.isDisabled()).toBe(false)
    await save.click()
    await expect.poll(() => save.isDisabled()).toBe(true)
    const stored = (await get(`/api/spaces/${spaceId}/business-hours`)).calendar
    expect(stored.mode).toBe('per-day')
    expect(stored.days.mon).toHaveLength(2)
    expect(stored.days.sat).toEqual([{ start: '09:00', end: '17:00' }])

    // a rule, with its preview
    await page.getByRole('button', { name: 'Add rule' }).click()
    const form = page.getByRole('form', { name: 'New rule' })
    await form.getByRole('textbox', { name: 'Name' }).fill('Tier 2 after 2 hours')
    await form.getByRole('spinbutton', { name: /Threshold/ }).fill('120')
    await form.getByLabel('Escalate to').selectOption('team')
    await form.getByLabel('Team').selectOption({ index: 1 })
    expect(await form.getByTestId('rule-preview').textContent()).toMatch(
      /A customer message arriving now would escalate to the team .+ at \w{3} \d\d:\d\d/,
    )
    await screenshot(page, 'settings-new-rule')
    await expectNoViolations(page)
    await form.getByRole('button', { name: 'Add rule' }).click()
    await page.getByRole('form', { name: 'Rule: Tier 2 after 2 hours' }).waitFor()
    const { rules } = await get(`/api/tickets/escalation-rules?spaceId=${spaceId}`)
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'Tier 2 after 2 hours',
          escalateAfterMinutes: 120,
          escalateTo: 'team',
        }),
      ]),
    )

    // an on-call rotation, in order
    await page.getByRole('button', { name: 'Add rotation' }).click()
    const rotation = page.getByRole('form', { name: 'New rotation' })
    await rotation.getByRole('textbox', { name: 'Name' }).fill('Night desk')
    for (const person of ['Eli Novak', 'Dana Reyes']) {
      await rotation.getByLabel('Person to add').selectOption({ label: person })
      await rotation.getByRole('button', { name: 'Add', exact: true }).click()
    }
    await rotation.getByRole('button', { name: 'Add rotation' }).click()
    await page.getByRole('form', { name: 'Rotation Night desk' }).waitFor()
    const { rotations } = await get(`/api/spaces/${spaceId}/rotations`)
    expect(rotations).toHaveLength(1)
    expect(rotations[0].name).toBe('Night desk')

    // the inbox's escalation to a phone
    const phone = page.getByRole('form', { name: /^Escalation to a phone for / })
    await phone.getByRole('checkbox', { name: 'Forward unanswered messages to a phone' }).check()
    await phone.getByRole('textbox', { name: 'Cell phone number' }).fill('+14155550123')
    await phone.getByRole('spinbutton', { name: 'After (minutes)' }).fill('1')
    await phone.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => phone.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true)
    const inboxId = (await get(`/api/spaces/${spaceId}/inboxes`)).inboxes[0].id
    expect(await get(`/api/spaces/${spaceId}/inboxes/${inboxId}/escalation-phone`)).toMatchObject({
      enabled: true,
      minutes: 1,
    })
    // the preset shows in the rules list
    await page
      .getByRole('list', { name: 'Escalation rules' })
      .getByRole('listitem')
      .nth(3)
      .waitFor()
    await phone.scrollIntoViewIfNeeded()
    await screenshot(page, 'settings-inbox-phone')
    await expectNoViolations(page)

    await page.getByRole('link', { name: 'Back to the space' }).click()
    await page.locator('.avatar.me').waitFor()
    await page.close()
  })

  it('[1] an agent reads the settings but cannot change them', async () => {
    const page = await stage.browsers[3]!.context.newPage()
    await logInAs(page, stage.flare.url, 'gus@flare.test')
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByText('Only admins and managers can change them.').waitFor()
    await page.getByRole('list', { name: 'Escalation rules' }).waitFor()
    expect(await page.getByRole('button', { name: 'Add rule' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0)
    await screenshot(page, 'settings-agent')
    await expectNoViolations(page)
    await page.close()
  })

  it('[7] a customer waits too long and the assigned agent gets the red pop-up', async () => {
    const { cookie, spaceId, inbox, get } = await demoInboxAsManager(stage.flare)
    const dana = await stage.browsers[0]!.context.newPage()
    const eli = await stage.browsers[1]!.context.newPage()
    await logInAs(dana, stage.flare.url, 'dana@flare.test')
    await logInAs(eli, stage.flare.url, 'eli@flare.test')

    const inbound = await fetch(`${stage.flare.url}/api/inbound/inboxes/${inbox.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-flare-inbox-secret': inbox.webhookSecret },
      body: JSON.stringify({
        customer: { name: 'Priya Shah', phone: '+15554440002' },
        subject: 'Card declined twice',
        body: 'My card was declined twice, please help',
      }),
    })
    expect(inbound.ok).toBe(true)
    const { ticketId } = (await inbound.json()) as { ticketId: string }
    const danaMember = (await get(`/api/spaces/${spaceId}`)).members.find(
      (m: { displayName: string }) => m.displayName === 'Dana Reyes',
    )
    const assigned = await stage.flare.app.inject({
      method: 'PATCH',
      url: `/api/spaces/${spaceId}/tickets/${ticketId}`,
      headers: { cookie },
      payload: { assignedToUserId: danaMember.userId },
    })
    expect(assigned.statusCode).toBe(200)

    // the demo's first rule: the assignee after 5 wall-clock minutes; the scheduler is asked
    // what is due 6 minutes from now rather than the test waiting for it
    const { scheduler } = stage.flare.app as FastifyInstance & SchedulerHook
    expect(scheduler).toBeDefined()
    await scheduler!.runDue(new Date(Date.now() + 6 * 60_000))

    const card = dana.getByRole('article', {
      name: /^Ticket escalation, level \d+: Card declined twice$/,
    })
    await card.waitFor({ timeout: 5000 })
    expect(await card.textContent()).toContain('Priya Shah')
    expect(await dana.evaluate(() => document.documentElement.dataset.alertsPlayed)).toBe('1')
    expect(await eli.locator('.alert-card').count()).toBe(0)
    await screenshot(dana, 'ticket-escalated-popup')
    await expectNoViolations(dana)

    // a reload while nobody has taken it and Priya still waits: the card is back, quietly
    // (SPEC §7.2.1.1.1)
    await dana.reload()
    await card.waitFor({ timeout: 5000 })
    expect(await dana.evaluate(() => document.documentElement.dataset.alertsPlayed)).toBeUndefined()

    await card.getByRole('button', { name: 'I’m on it' }).click()
    await card.getByText('You are on it').waitFor()
    await card.getByRole('button', { name: 'Open ticket' }).click()
    await card.waitFor({ state: 'detached' })
    await dana.getByRole('heading', { name: 'Card declined twice', exact: true }).waitFor()
    const history = dana.getByRole('list', { name: 'Escalation history' })
    await history.waitFor()
    expect(await history.textContent()).toContain('Level 1')
    await screenshot(dana, 'ticket-escalation-history')
    await expectNoViolations(dana)
  })
})
