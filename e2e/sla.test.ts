import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { accessibilityViolations, hasChromium, logInAs, screenshot } from './support/browser.js'
import { demoInboxAsManager } from './support/demo.js'
import { useStage } from './support/stage.js'

/** What the server's scheduler offers tests: run what is due at a given instant. */
interface SchedulerHook {
  scheduler?: { runDue(now?: Date): Promise<unknown[]> }
}

describe.skipIf(!hasChromium())('SLA policies and warnings in the browser', () => {
  const stage = useStage(2)

  async function expectNoViolations(page: Page) {
    expect(await accessibilityViolations(page)).toEqual([])
  }

  it('[8.1.1][8.1.5] an admin sets a 15-minute target; at 12 minutes the assignee sees the amber card and the badge', async () => {
    const { cookie, spaceId, get } = await demoInboxAsManager(stage.flare)
    const admin = await stage.browsers[0]!.context.newPage()
    await logInAs(admin, stage.flare.url, 'admin@flare.test')
    await admin.getByRole('link', { name: 'Settings' }).click()
    const form = admin.getByRole('form', { name: 'SLA policies' })
    await form.getByRole('button', { name: 'Add policy' }).click()
    await form.getByLabel('Policy 1: priority').selectOption('urgent')
    await form.getByLabel('Policy 1: first response target in minutes').fill('15')
    await form.getByLabel('Policy 1: counts').selectOption('wall')
    await form.getByRole('button', { name: 'Save SLA policies' }).click()
    await expect
      .poll(() => form.getByRole('button', { name: 'Save SLA policies' }).isDisabled())
      .toBe(true)
    expect((await get(`/api/spaces/${spaceId}/sla-policies`)).policies).toMatchObject([
      { priority: 'urgent', firstResponseMinutes: 15, businessHours: false, atRiskPercent: 80 },
    ])
    await form.scrollIntoViewIfNeeded()
    await screenshot(admin, 'settings-sla-policies')
    await expectNoViolations(admin)

    // an urgent ticket of a new inbox, assigned to Dana (the demo inbox's rules stay out of it)
    const created = await stage.flare.app.inject({
      method: 'POST',
      url: `/api/spaces/${spaceId}/inboxes`,
      headers: { cookie },
      payload: { name: 'Priority line', channelAddress: '+15550177' },
    })
    const inbox = created.json().inbox as { id: string; webhookSecret: string }
    const inbound = await fetch(`${stage.flare.url}/api/inbound/inboxes/${inbox.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-flare-inbox-secret': inbox.webhookSecret },
      body: JSON.stringify({
        customer: { name: 'Omar Haddad', phone: '+15554440077' },
        subject: 'Checkout is down',
        body: 'Nobody can pay on our site',
      }),
    })
    const { ticketId } = (await inbound.json()) as { ticketId: string }
    const dana = (await get(`/api/spaces/${spaceId}`)).members.find(
      (m: { displayName: string }) => m.displayName === 'Dana Reyes',
    )
    const patched = await stage.flare.app.inject({
      method: 'PATCH',
      url: `/api/spaces/${spaceId}/tickets/${ticketId}`,
      headers: { cookie },
      payload: { priority: 'urgent', assignedToUserId: dana.userId },
    })
    expect(patched.json().ticket.slaStatus).toBe('on_track')

    const page = await stage.browsers[1]!.context.newPage()
    await logInAs(page, stage.flare.url, 'dana@flare.test')
    await page.getByRole('tab', { name: 'Inbox' }).click()
    const row = page.locator(`[data-ticket-id="${ticketId}"]`)
    await row.getByText('SLA on track').waitFor()

    // the scheduler is asked what is due 12½ minutes from now rather than the test waiting
    const { scheduler } = stage.flare.app as FastifyInstance & SchedulerHook
    await scheduler!.runDue(new Date(Date.now() + 12.5 * 60_000))
    const card = page.getByRole('article', { name: 'SLA at risk: Checkout is down' })
    await card.waitFor({ timeout: 5000 })
    expect(await card.textContent()).toContain('First response due by')
    await row.getByText('SLA at risk').waitFor()
    await screenshot(page, 'sla-warning-card')
    await expectNoViolations(page)

    await card.getByRole('button', { name: 'Open ticket' }).click()
    await card.waitFor({ state: 'detached' })
    await page.getByRole('heading', { name: 'Checkout is down', exact: true }).waitFor()
    expect(await page.locator('.ticket-view [data-testid="sla-status"]').textContent()).toBe(
      'SLA at risk',
    )
    await expectNoViolations(page)
    await page.close()
    await admin.close()
  })
})
