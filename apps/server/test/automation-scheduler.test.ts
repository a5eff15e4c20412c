import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createRule,
  customerWrites,
  fireAt,
  firedRuleIds,
  isolatedInbox,
  MINUTE,
  outboxOf,
  ticketRow,
} from './automation-support.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, onTicket, readTicket } from './tickets-support.js'

describe.each(databaseKinds())('the escalation scheduler on $name', (kind) => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp(kind)
  })
  afterAll(async () => {
    await t?.close()
  })

  /** A fresh inbox with rules at these thresholds, and a customer waiting since now. */
  async function waitingWith(rules: Array<Record<string, unknown>>) {
    const inbox = await isolatedInbox(t)
    const stored = []
    for (const rule of rules) stored.push(await createRule(t, { inboxId: inbox.id, ...rule }))
    const start = t.clock.now()
    const ticketId = await customerWrites(t, inbox)
    return { inbox, rules: stored, start, ticketId }
  }

  it('[6.3.1] at 100 waiting minutes with rules at 30, 60 and 120, only the 60 fires', async () => {
    const { rules, start, ticketId } = await waitingWith([
      { escalateAfterMinutes: 30 },
      { escalateAfterMinutes: 60 },
      { escalateAfterMinutes: 120 },
    ])
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(
      new Date(start.getTime() + 30 * MINUTE),
    )
    await fireAt(t, start, 100)
    expect(await firedRuleIds(t, ticketId)).toEqual([rules[1]!.id])
    const row = await ticketRow(t, ticketId)
    expect(row.escalationLevel).toBe(1)
    expect(row.lastEscalatedAt).toEqual(new Date(start.getTime() + 100 * MINUTE))
    // the 120 is next
    expect(row.nextDueAt).toEqual(new Date(start.getTime() + 120 * MINUTE))
    const entry = row.escalationHistory[0]!
    expect(entry).toMatchObject({
      ruleId: rules[1]!.id,
      ruleName: rules[1]!.name,
      escalationType: 'assigned',
      level: 1,
    })
    expect(entry.reason).toContain('100 minutes')
  })

  it('[6.3.4] after downtime a ticket due for 30, 60 and 120 gets the 120 only, once', async () => {
    const { rules, start, ticketId } = await waitingWith([
      { escalateAfterMinutes: 30 },
      { escalateAfterMinutes: 60 },
      { escalateAfterMinutes: 120 },
    ])
    // nothing ran for 130 minutes
    const fired = await fireAt(t, start, 130)
    expect(fired.filter((p) => p.ticket.id === ticketId).flatMap((p) => p.firings)).toHaveLength(1)
    expect(await firedRuleIds(t, ticketId)).toEqual([rules[2]!.id])
    await fireAt(t, start, 131)
    await fireAt(t, start, 500)
    expect(await firedRuleIds(t, ticketId)).toEqual([rules[2]!.id])
    expect((await ticketRow(t, ticketId)).nextDueAt).toBeNull()
  })

  it('[6.3.2] a repeating rule fires again only after its repeat interval', async () => {
    const { rules, start, ticketId } = await waitingWith([
      { escalateAfterMinutes: 30, repeatEveryMinutes: 15 },
    ])
    const id = rules[0]!.id
    await fireAt(t, start, 30)
    expect(await firedRuleIds(t, ticketId)).toEqual([id])
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(
      new Date(start.getTime() + 45 * MINUTE),
    )
    await fireAt(t, start, 44)
    expect(await firedRuleIds(t, ticketId)).toEqual([id])
    await fireAt(t, start, 45)
    await fireAt(t, start, 60)
    expect(await firedRuleIds(t, ticketId)).toEqual([id, id, id])
    expect((await ticketRow(t, ticketId)).escalationLevel).toBe(3)
  })

  it('[6.3.3] once a later rule fired, earlier ones stay quiet for the period', async () => {
    const { rules, start, ticketId } = await waitingWith([
      { escalateAfterMinutes: 30, repeatEveryMinutes: 10 },
      { escalateAfterMinutes: 60 },
    ])
    const [low, high] = rules
    await fireAt(t, start, 30)
    await fireAt(t, start, 40)
    await fireAt(t, start, 50)
    await fireAt(t, start, 60)
    await fireAt(t, start, 70)
    await fireAt(t, start, 200)
    expect(await firedRuleIds(t, ticketId)).toEqual([low!.id, low!.id, low!.id, high!.id])
  })

  it('[6.2] a staff reply ends the period: nothing is due, and level is 0 again', async () => {
    const { start, ticketId } = await waitingWith([{ escalateAfterMinutes: 30 }])
    await fireAt(t, start, 30)
    t.clock.current = new Date(start.getTime() + 31 * MINUTE)
    const reply = await onTicket(t, ticketId, 'POST', '/replies', { body: 'On it!' })
    expect(reply.statusCode).toBeLessThan(300)
    const row = await ticketRow(t, ticketId)
    expect(row.nextDueAt).toBeNull()
    expect(row.escalationLevel).toBe(0)
  })

  it('[6.4] a hold stops the clock; nothing is due while held', async () => {
    const { ticketId } = await waitingWith([{ escalateAfterMinutes: 30 }])
    expect((await ticketRow(t, ticketId)).nextDueAt).not.toBeNull()
    const held = await onTicket(t, ticketId, 'PATCH', '', { status: 'on_hold' })
    expect(held.statusCode).toBe(200)
    expect((await ticketRow(t, ticketId)).nextDueAt).toBeNull()
  })

  it('[6.3.5] a firing adds the internal note rendered from its template', async () => {
    const { rules, start, ticketId } = await waitingWith([
      {
        escalateAfterMinutes: 30,
        addInternalNote: true,
        internalNoteTemplate: 'Level {level}: {rule_name} after {minutes} min ({priority})',
      },
    ])
    await fireAt(t, start, 30)
    const { messages } = await readTicket(t, ticketId)
    const notes = messages.filter((m) => m.internal)
    expect(notes.map((m) => m.body)).toEqual([`Level 1: ${rules[0]!.name} after 30 min (medium)`])
    expect(notes[0]!.authorKind).toBe('system')
  })

  it('[6.4] editing a rule moves the due instants of open tickets', async () => {
    const { rules, start, ticketId } = await waitingWith([{ escalateAfterMinutes: 30 }])
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/tickets/escalation-rules/${rules[0]!.id}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { escalateAfterMinutes: 45 },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().rule.escalateAfterMinutes).toBe(45)
    // the rule change answers at once; the recompute follows in the background
    await t.app.dueRecompute.runPending()
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(
      new Date(start.getTime() + 45 * MINUTE),
    )
    await t.app.inject({
      method: 'PUT',
      url: `/api/tickets/escalation-rules/${rules[0]!.id}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { enabled: false },
    })
    await t.app.dueRecompute.runPending()
    expect((await ticketRow(t, ticketId)).nextDueAt).toBeNull()
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/tickets/escalation-rules/${rules[0]!.id}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    })
    expect(removed.statusCode).toBe(200)
  })

  it('[5] changing business hours moves due instants counted in business minutes', async () => {
    // Monday 10:00 in London; 8 business hours of Mon–Fri 09:00–17:00 end Tuesday 10:00
    t.clock.current = new Date('2026-11-30T10:00:00.000Z')
    const { start, ticketId } = await waitingWith([
      { escalateAfterMinutes: 480, businessHoursOnly: true },
    ])
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(
      new Date(start.getTime() + 24 * 60 * MINUTE),
    )
    const manager = await cookieOf(t, 'manager@flare.test')
    const always = await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/business-hours`,
      headers: { cookie: manager },
      payload: { calendar: { mode: 'always', timezone: 'Europe/London' } },
    })
    expect(always.statusCode).toBe(200)
    await t.app.dueRecompute.runPending()
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(
      new Date(start.getTime() + 480 * MINUTE),
    )
    // back to the default, so the other tests see the calendar they expect
    await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/business-hours`,
      headers: { cookie: manager },
      payload: {
        calendar: {
          mode: 'same',
          timezone: 'Europe/London',
          workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
          start: '09:00',
          end: '17:00',
        },
      },
    })
    await t.app.dueRecompute.runPending()
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(
      new Date(start.getTime() + 24 * 60 * MINUTE),
    )
  })

  it("[5] an inbox's own calendar moves its tickets' due instants", async () => {
    const { inbox, start, ticketId } = await waitingWith([
      { escalateAfterMinutes: 480, businessHoursOnly: true },
    ])
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/spaces/${t.spaceId}/inboxes/${inbox.id}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { calendar: { mode: 'always', timezone: 'UTC' } },
    })
    expect(res.statusCode).toBe(200)
    await t.app.dueRecompute.runPending()
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(
      new Date(start.getTime() + 480 * MINUTE),
    )
  })

  it('[6.5] the phone preset is its own chain: it fires beside the team rules, not instead', async () => {
    const { inbox, rules, start, ticketId } = await waitingWith([{ escalateAfterMinutes: 5 }])
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/inboxes/${inbox.id}/escalation-phone`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { enabled: true, phone: '+1 (415) 555-0100', minutes: 10 },
    })
    expect(res.statusCode).toBe(200)
    const { ruleId } = res.json()
    await fireAt(t, start, 10)
    expect(await firedRuleIds(t, ticketId)).toEqual([rules[0]!.id, ruleId])
    const sms = (await outboxOf(t, [ticketId])).filter((o) => o.channel === 'sms')
    expect(sms.map((o) => [o.target, o.state])).toEqual([['phone:+14155550100', 'pending']])
  })
})
