import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  notificationOutbox,
  notificationTemplates,
  slackIntegrations,
  users,
} from '../src/db/schema.js'
import {
  createRule,
  customerWrites,
  isolatedInbox,
  MINUTE,
  outboxOf,
} from './automation-support.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf } from './tickets-support.js'

describe.each(databaseKinds())(
  '[7] the zero-setup demo, the delivery log and templates on $name',
  (kind) => {
    let t: TestApp
    let manager = ''

    beforeAll(async () => {
      // no SMTP_URL, no SMS_API_URL, private URLs refused: as `npm start` runs by default
      t = await startTestApp(kind, { config: { PUBLIC_URL: 'https://flare.example.com' } })
      manager = await cookieOf(t, 'manager@flare.test')
    }, 120_000)
    afterAll(async () => {
      await t?.close()
    })

    async function fire(rule: Record<string, unknown>) {
      const inbox = await isolatedInbox(t)
      await createRule(t, { inboxId: inbox.id, escalateAfterMinutes: 1, ...rule })
      const ticketId = await customerWrites(t, inbox, 'Where is my parcel?')
      t.clock.advance(MINUTE)
      await t.app.scheduler.runDue(t.clock.now())
      return { inbox, ticketId }
    }

    function deliveries(query = '', cookie = manager, spaceId = t.spaceId) {
      return t.app.inject({
        method: 'GET',
        url: `/api/spaces/${spaceId}/deliveries${query}`,
        headers: { cookie },
      })
    }

    it('[7.3] without SMTP_URL and SMS_API_URL, email and SMS are captured and shown as not sent outside', async () => {
      const { inbox, ticketId } = await fire({
        escalateTo: 'specific_user',
        escalateToUserId: await t.userId('gus@flare.test'),
        notificationChannels: ['in_app', 'email'],
      })
      const phone = await fire({
        escalateTo: 'phone',
        recipientPhone: '+14155550150',
        notificationChannels: ['sms'],
      })
      const outcomes = await t.app.notifications.runDue(t.clock.now())
      expect(
        outcomes.filter((o) => o.result === 'sent' && o.captured).length,
      ).toBeGreaterThanOrEqual(2)

      const res = await deliveries(`?ticketId=${ticketId}&channel=email`)
      expect(res.statusCode).toBe(200)
      const body = res.json()
      expect(body.sink).toEqual({ email: true, sms: true })
      expect(body.deliveries).toHaveLength(1)
      const email = body.deliveries[0]
      expect(email).toMatchObject({ channel: 'email', state: 'sent', targetLabel: 'Gus Okafor' })
      expect(email.captured).toMatchObject({
        from: 'Flare <flare@flare.example.com>',
        to: 'Gus Okafor <gus@flare.test>',
      })
      expect(email.captured.subject).toMatch(/^Escalated: /)
      expect(email.captured.text).toContain(`https://flare.example.com/t/${ticketId}`)
      expect(email.captured.html).toContain('<a href=')

      const sms = (await deliveries(`?ticketId=${phone.ticketId}`)).json().deliveries[0]
      expect(sms).toMatchObject({ channel: 'sms', state: 'sent', targetLabel: '+14155550150' })
      expect(sms.captured).toMatchObject({ from: phone.inbox.channelAddress, to: '+14155550150' })
      expect(sms.captured.text).toContain('Where is my parcel?')
      expect(inbox.channelAddress).not.toBe(phone.inbox.channelAddress)
    })

    it('[7.3] a captured message to someone else shows their "I’m on it" link hidden, the subject too; one’s own, whole', async () => {
      const ack = /https:\/\/flare\.example\.com\/ack\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/
      // a template may put the link anywhere, the subject included
      const template = await t.app.inject({
        method: 'PUT',
        url: `/api/spaces/${t.spaceId}/notification-templates/email`,
        headers: { cookie: manager },
        payload: {
          subject: 'Escalated {subject} {ack_link}',
          body: 'Open {link} or take it: {ack_link}',
        },
      })
      expect(template.statusCode).toBe(200)
      const toGus = await fire({
        escalateTo: 'specific_user',
        escalateToUserId: await t.userId('gus@flare.test'),
        notificationChannels: ['email'],
      })
      const toMax = await fire({
        escalateTo: 'specific_user',
        escalateToUserId: await t.userId('manager@flare.test'),
        notificationChannels: ['email'],
      })
      await t.app.notifications.runDue(t.clock.now())
      const [gus] = (await deliveries(`?ticketId=${toGus.ticketId}&channel=email`)).json()
        .deliveries
      // the link is in what was sent (the outbox keeps it), but not in what the manager reads
      const [stored] = await t.database.db
        .select()
        .from(notificationOutbox)
        .where(eq(notificationOutbox.id, gus.id))
      expect(stored?.captured?.text).toMatch(ack)
      expect(stored?.captured?.subject).toMatch(ack)
      expect(gus.captured.text).not.toMatch(ack)
      expect(gus.captured.html).not.toMatch(ack)
      expect(gus.captured.subject).not.toMatch(ack)
      expect(gus.captured.text).toContain('https://flare.example.com/ack/[personal link hidden]')
      expect(gus.captured.subject).toContain('https://flare.example.com/ack/[personal link hidden]')
      const [max] = (await deliveries(`?ticketId=${toMax.ticketId}&channel=email`)).json()
        .deliveries
      expect(max.captured.text).toMatch(ack)
      expect(max.captured.html).toMatch(ack)
      expect(max.captured.subject).toMatch(ack)
      // back to the default for the tests after this one
      await t.database.db
        .delete(notificationTemplates)
        .where(eq(notificationTemplates.spaceId, t.spaceId))
      // one minute is a minute, in the reason every channel and the history give
      const ticket = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}/tickets/${toMax.ticketId}`,
        headers: { cookie: manager },
      })
      expect(ticket.json().ticket.escalationHistory[0].reason).toMatch(
        /^Customer waiting 1 (business )?minute without a reply/,
      )
    })

    it('[7.3] the log filters by state, channel and ticket, pages, and is for admins and managers only', async () => {
      await fire({ escalateTo: 'assigned', notificationChannels: ['slack'] })
      await t.app.notifications.runDue(t.clock.now())
      const failed = (await deliveries('?state=failed&channel=slack')).json()
      expect(failed.deliveries.length).toBeGreaterThanOrEqual(1)
      expect(failed.deliveries[0]).toMatchObject({
        state: 'failed',
        channel: 'slack',
        targetLabel: 'Slack',
      })
      expect(failed.deliveries[0].lastError).toMatch(/Slack is not connected/)

      const first = (await deliveries('?limit=1')).json()
      expect(first.deliveries).toHaveLength(1)
      expect(first.nextCursor).toEqual(expect.any(String))
      const second = (await deliveries(`?limit=1&cursor=${first.nextCursor}`)).json()
      expect(second.deliveries).toHaveLength(1)
      expect(second.deliveries[0].id).not.toBe(first.deliveries[0].id)

      expect((await deliveries('', await cookieOf(t, 'dana@flare.test'))).statusCode).toBe(403)
      expect((await deliveries('', manager, t.otherSpace.spaceId)).statusCode).toBe(404)
      expect((await deliveries('?state=lost')).statusCode).toBe(400)
      const missing = await t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.spaceId}/deliveries/00000000-0000-4000-8000-000000000000/retry`,
        headers: { cookie: manager },
      })
      expect(missing.statusCode).toBe(404)
    })

    it('[12.5] Slack, webhook and push URLs on private addresses are refused unless allowed', async () => {
      for (const webhookUrl of [
        'http://127.0.0.1:9/hook',
        'http://10.1.2.3/x',
        'http://[::1]/y',
        'http://localhost/z',
      ]) {
        const res = await t.app.inject({
          method: 'PUT',
          url: `/api/spaces/${t.spaceId}/integrations/slack`,
          headers: { cookie: manager },
          payload: { webhookUrl },
        })
        expect(res.statusCode, webhookUrl).toBe(400)
        expect(res.json().error.field).toBe('webhookUrl')
      }
      const hook = await t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.spaceId}/webhooks`,
        headers: { cookie: manager },
        payload: { url: 'http://192.168.1.20/flare' },
      })
      expect(hook.statusCode).toBe(400)
      expect(hook.json().error.field).toBe('url')
      const push = await t.app.inject({
        method: 'POST',
        url: '/api/me/push-subscriptions',
        headers: { cookie: manager },
        payload: { endpoint: 'http://127.0.0.1:8080/push', keys: { p256dh: 'x', auth: 'y' } },
      })
      expect(push.statusCode).toBe(400)

      // stored before the rule existed (or resolving differently now): refused when sending
      await t.database.db
        .insert(slackIntegrations)
        .values({ spaceId: t.spaceId, webhookUrl: 'http://127.0.0.1:9/hook' })
      const { ticketId } = await fire({ escalateTo: 'assigned', notificationChannels: ['slack'] })
      await t.app.notifications.runDue(t.clock.now())
      const [row] = (await outboxOf(t, [ticketId])).filter((r) => r.channel === 'slack')
      expect(row).toMatchObject({ state: 'failed', attempts: 1 })
      expect(row!.lastError).toMatch(/refused: 127\.0\.0\.1 is a private address/)
      await t.database.db.delete(slackIntegrations).where(eq(slackIntegrations.spaceId, t.spaceId))
    })

    it('[7.4] templates: unknown variables and SMS over one message are refused; a saved one is used', async () => {
      const list = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}/notification-templates`,
        headers: { cookie: await cookieOf(t, 'dana@flare.test') },
      })
      expect(list.statusCode).toBe(200)
      expect(list.json().templates.map((x: { channel: string }) => x.channel)).toEqual([
        'email',
        'sms',
        'slack',
        'push',
      ])
      expect(list.json().variables).toEqual(expect.arrayContaining(['link', 'customer_name']))

      const put = (channel: string, payload: Record<string, unknown>, cookie = manager) =>
        t.app.inject({
          method: 'PUT',
          url: `/api/spaces/${t.spaceId}/notification-templates/${channel}`,
          headers: { cookie },
          payload,
        })
      const unknown = await put('sms', { body: 'Hi {customer} see {link}' })
      expect(unknown.statusCode).toBe(400)
      expect(unknown.json().error).toMatchObject({ field: 'body' })
      expect(unknown.json().error.message).toContain('{customer}')
      const long = await put('sms', { body: `${'x'.repeat(100)} {link}` })
      expect(long.statusCode).toBe(400)
      expect(long.json().error.message).toMatch(/one SMS holds 160/)
      const emoji = await put('sms', { body: `🚨 ${'x'.repeat(40)} {link}` })
      expect(emoji.statusCode).toBe(400)
      expect(emoji.json().error.message).toMatch(/UCS-2.*one SMS holds 70/)
      const noSubject = await put('email', { subject: '', body: 'Hello {link}' })
      expect(noSubject.statusCode).toBe(400)
      expect(noSubject.json().error.field).toBe('subject')
      expect(
        (await put('sms', { body: 'x {link}' }, await cookieOf(t, 'dana@flare.test'))).statusCode,
      ).toBe(403)

      const saved = await put('sms', { body: 'URGENT {customer_name} ({priority}): {link}' })
      expect(saved.statusCode).toBe(200)
      expect(saved.json().template).toMatchObject({ channel: 'sms', customized: true })
      const { ticketId } = await fire({
        escalateTo: 'phone',
        recipientPhone: '+14155550151',
        notificationChannels: ['sms'],
      })
      await t.app.notifications.runDue(t.clock.now())
      const [row] = await outboxOf(t, [ticketId])
      // a texted ticket has no name: the customer is their number
      expect(row!.captured?.text).toMatch(
        new RegExp(
          `^URGENT \\+1555\\d+ \\(medium\\): https://flare\\.example\\.com/t/${ticketId}$`,
        ),
      )
    })

    it('[7.5] `notify` emails only those whose email notifications are on; `email` emails everyone', async () => {
      const admin = await cookieOf(t, 'admin@flare.test')
      const off = await t.app.inject({
        method: 'PATCH',
        url: '/api/me/preferences',
        headers: { cookie: admin },
        payload: { emailNotifications: false },
      })
      expect(off.statusCode).toBe(200)
      const [adminRow] = await t.database.db
        .select()
        .from(users)
        .where(eq(users.email, 'admin@flare.test'))
      expect(adminRow?.preferences.emailNotifications).toBe(false)
      const team = (
        await t.app.inject({
          method: 'GET',
          url: `/api/spaces/${t.spaceId}`,
          headers: { cookie: manager },
        })
      ).json() as { groups: Array<{ id: string; handle: string }> }
      const teamId = team.groups.find((g) => g.handle === 'supervisors')!.id
      const notify = await fire({
        escalateTo: 'team',
        escalateToTeamId: teamId,
        action: 'notify',
        notificationChannels: ['in_app', 'email'],
      })
      const email = await fire({
        escalateTo: 'team',
        escalateToTeamId: teamId,
        action: 'email',
        notificationChannels: ['email'],
      })
      const adminId = await t.userId('admin@flare.test')
      const managerId = await t.userId('manager@flare.test')
      const emailTargets = async (ticketId: string) =>
        (await outboxOf(t, [ticketId]))
          .filter((r) => r.channel === 'email')
          .map((r) => r.target)
          .sort()
      expect(await emailTargets(notify.ticketId)).toEqual([`user:${managerId}`])
      expect(await emailTargets(email.ticketId)).toEqual(
        [`user:${adminId}`, `user:${managerId}`].sort(),
      )
      await t.app.inject({
        method: 'PATCH',
        url: '/api/me/preferences',
        headers: { cookie: admin },
        payload: { emailNotifications: true },
      })
      await t.database.db
        .delete(notificationOutbox)
        .where(eq(notificationOutbox.ticketId, email.ticketId))
    })
  },
)
