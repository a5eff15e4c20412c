import { readFile } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { accessibilityViolations, hasChromium, logInAs, screenshot } from './support/browser.js'
import { customerWrites, demoInboxAsManager } from './support/demo.js'
import { useStage } from './support/stage.js'

/** What the server's scheduler offers tests: fire what is due at a given instant. */
interface SchedulerHook {
  scheduler?: { runDue(now?: Date): Promise<unknown[]> }
}

describe.skipIf(!hasChromium())("the supervisor's view and the wallboard in the browser", () => {
  const stage = useStage(2)

  async function expectNoViolations(page: Page) {
    expect(await accessibilityViolations(page)).toEqual([])
  }

  /** A customer writes to the demo inbox; the demo's 5-minute rule is made due now. */
  async function customerWaitsTooLong(subject: string, phone: string) {
    const { inbox } = await demoInboxAsManager(stage.flare)
    await customerWrites(stage.flare, inbox, { name: 'Priya Shah', phone, subject, body: subject })
    const { scheduler } = stage.flare.app as FastifyInstance & SchedulerHook
    await scheduler!.runDue(new Date(Date.now() + 6 * 60_000))
  }

  it('[8.2][8.3.1][8.4.1] a manager reads the metrics and charts, watches escalated tickets arrive live and reads the audit log', async () => {
    await customerWaitsTooLong('Parcel never arrived', '+15554440101')
    const page = await stage.browsers[0]!.context.newPage()
    await logInAs(page, stage.flare.url, 'manager@flare.test')
    await page.getByRole('button', { name: 'Supervisor', exact: true }).click()

    // metrics: figures with their counts, then the charts once Chart.js has loaded
    await page.getByRole('heading', { name: 'Escalation rate', exact: true }).waitFor()
    await page.getByRole('button', { name: 'Today' }).click()
    await expect
      .poll(() => page.getByRole('button', { name: 'Today' }).getAttribute('aria-pressed'))
      .toBe('true')
    await expect
      .poll(async () => page.locator('.metric-card').first().textContent())
      .toMatch(/of \d+ tickets escalated/)
    await page.locator('.metrics-chart canvas').first().waitFor()
    await expect.poll(() => page.getByText('Drawing the chart…').count()).toBe(0)
    await screenshot(page, 'supervisor-metrics')
    await expectNoViolations(page)

    // the CSV is what the page shows
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ])
    const csv = await readFile((await download.path()) ?? '', 'utf8')
    expect(csv.split('\r\n')[0]).toMatch(/^period,start,end,tickets,escalated,escalation_rate/)
    expect(csv.split('\r\n')[1]).toMatch(/^total,/)

    // the perspective: the escalated ticket, then a second one arriving without a reload
    await page.getByRole('tab', { name: 'Escalated tickets' }).click()
    const table = page.getByRole('table', { name: /Escalated tickets/ })
    await table.getByRole('button', { name: 'Parcel never arrived' }).waitFor()
    expect(await table.locator('tbody tr').first().textContent()).toMatch(/Level 1/)
    await customerWaitsTooLong('Refund still missing', '+15554440102')
    await table.getByRole('button', { name: 'Refund still missing' }).waitFor({ timeout: 5000 })
    expect(await table.locator('tbody tr').first().textContent()).toContain('Refund still missing')
    await screenshot(page, 'supervisor-perspective')
    await expectNoViolations(page)

    // the audit log: the business hours a manager changes show up as before and after
    const { cookie, spaceId } = await demoInboxAsManager(stage.flare)
    const saved = await stage.flare.app.inject({
      method: 'PUT',
      url: `/api/spaces/${spaceId}/business-hours`,
      headers: { cookie },
      payload: {
        calendar: {
          mode: 'same',
          timezone: 'Europe/London',
          workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
          start: '08:00',
          end: '18:00',
          holidays: [],
        },
      },
    })
    expect(saved.statusCode).toBe(200)
    await page.getByRole('tab', { name: 'Audit log' }).click()
    const entry = page.locator('.audit-entry').filter({ hasText: 'Business hours' }).first()
    await entry.waitFor()
    expect(await entry.textContent()).toContain('Max Manager')
    expect(
      await entry
        .getByRole('row', { name: /^Closes/ })
        .first()
        .textContent(),
    ).toMatch(/18:00/)
    await screenshot(page, 'supervisor-audit')
    await expectNoViolations(page)

    // wallboard links: one made here, its link shown once
    await page.getByRole('tab', { name: 'Wallboards' }).click()
    await page.getByRole('textbox', { name: 'Name' }).fill('Floor TV')
    await page.getByRole('button', { name: 'Create a wallboard link' }).click()
    const link = page.getByRole('textbox', { name: 'Link of the wallboard Floor TV' })
    await link.waitFor()
    expect(await link.inputValue()).toMatch(/\/wallboard#flw_/)
    await screenshot(page, 'supervisor-wallboards')
    await expectNoViolations(page)
    await page.close()
  })

  it('[8.5.1][8.5.2] a TV opens the wallboard without a login, follows it live, and goes dark when the link is revoked', async () => {
    const { cookie, spaceId } = await demoInboxAsManager(stage.flare)
    const created = await stage.flare.app.inject({
      method: 'POST',
      url: `/api/spaces/${spaceId}/wallboards`,
      headers: { cookie },
      payload: { name: 'Lobby TV' },
    })
    expect(created.statusCode).toBe(201)
    const { wallboard, url } = created.json() as { wallboard: { id: string }; url: string }
    // a browser nobody logged in with
    const tv = await stage.browsers[1]!.context.newPage()
    await tv.setViewportSize({ width: 1920, height: 1080 })
    await tv.goto(url.replace(/^https?:\/\/[^/]+/, stage.flare.url))
    await tv.getByRole('heading', { name: /Lobby TV/ }).waitFor()
    const waiting = tv.locator('.board-tile').filter({ hasText: 'Waiting' }).locator('.board-value')
    const before = Number(await waiting.textContent())
    await customerWaitsTooLong('Where is my order?', '+15554440103')
    await expect
      .poll(async () => Number(await waiting.textContent()), { timeout: 5000 })
      .toBe(before + 1)
    await screenshot(tv, 'wallboard')
    await expectNoViolations(tv)

    const revoked = await stage.flare.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${spaceId}/wallboards/${wallboard.id}`,
      headers: { cookie },
    })
    expect(revoked.statusCode).toBe(200)
    await tv
      .getByRole('heading', { name: 'This wallboard link was revoked.' })
      .waitFor({ timeout: 2000 })
    await screenshot(tv, 'wallboard-revoked')
    await expectNoViolations(tv)
    await tv.close()
  })

  it('[8.3.2] agents have no Supervisor place', async () => {
    // the TV's browser, which nobody had logged in with
    const page = await stage.browsers[1]!.context.newPage()
    await logInAs(page, stage.flare.url, 'dana@flare.test')
    await page.getByRole('button', { name: 'Inbox' }).waitFor()
    expect(await page.getByRole('button', { name: 'Supervisor', exact: true }).count()).toBe(0)
    // nor on a phone's bottom navigation
    await page.setViewportSize({ width: 390, height: 844 })
    const sections = page.getByRole('navigation', { name: 'Sections' })
    await sections.getByRole('button', { name: 'Me' }).waitFor()
    expect(await sections.getByRole('button', { name: 'Supervisor' }).count()).toBe(0)
    await page.close()
  })

  it('[8.2][10.5] on a phone a manager reaches the figures from the bottom navigation, and the Inbox tab counts who waits', async () => {
    await customerWaitsTooLong('Phone charger missing', '+15554440102')
    // the browser the manager logged in with in the first test
    const page = await stage.browsers[0]!.context.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(stage.flare.url)
    const sections = page.getByRole('navigation', { name: 'Sections' })
    await expect
      .poll(() => sections.getByRole('button', { name: /^Inbox/ }).textContent())
      .toMatch(/Inbox\s*\d+\s*waiting/)
    await sections.getByRole('button', { name: 'Supervisor' }).click()
    await page.getByRole('heading', { name: 'Escalation rate', exact: true }).waitFor()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(390)
    await screenshot(page, 'phone-supervisor-metrics')
    await expectNoViolations(page)
    await page.close()
  })
})
