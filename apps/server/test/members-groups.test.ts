import type { AuditResponse, GroupDto, SpaceResponse } from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hashPassword } from '../src/auth/passwords.js'
import { escalations, memberships, rotations, tickets, users } from '../src/db/schema.js'
import { DEMO_PASSWORD } from '../src/demo/seed.js'
import { createRule, customerWrites, isolatedInbox } from './automation-support.js'
import { Clients } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

// SPEC §1.5.5: admins add members and manage groups; everyone else is refused.

describe.each(databaseKinds())('members and groups on $name', (kind) => {
  let t: TestApp
  let admin = ''
  let manager = ''
  let agent = ''
  let outsider = ''
  const members = () => `/api/spaces/${t.spaceId}/members`
  const groupsUrl = () => `/api/spaces/${t.spaceId}/groups`
  /** Where sockets connect: the app listens once, for the first test that needs it. */
  let url = ''

  beforeAll(async () => {
    t = await startTestApp(kind)
    admin = await t.login('admin@flare.test')
    manager = await t.login('manager@flare.test')
    agent = await t.login('dana@flare.test')
    outsider = await t.login(t.otherSpace.email)
  })
  // the audit log lists newest first by time: each test's writes come after the last test's
  beforeEach(() => t.clock.advance(60_000))
  afterAll(async () => {
    await t.close()
  })

  /** A Flare account that belongs to no space yet. */
  async function newAccount(email: string, displayName: string): Promise<string> {
    const [row] = await t.database.db
      .insert(users)
      .values({ email, displayName, passwordHash: await hashPassword(DEMO_PASSWORD) })
      .returning({ id: users.id })
    if (!row) throw new Error('account not created')
    return row.id
  }

  async function space(cookie = admin): Promise<SpaceResponse> {
    const res = await t.app.inject({ url: `/api/spaces/${t.spaceId}`, headers: { cookie } })
    expect(res.statusCode).toBe(200)
    return res.json()
  }

  async function audit(kind: string): Promise<AuditResponse> {
    const res = await t.app.inject({
      url: `/api/spaces/${t.spaceId}/audit?kind=${kind}`,
      headers: { cookie: admin },
    })
    expect(res.statusCode).toBe(200)
    return res.json()
  }

  /** `POST …/members` as `cookie` (the admin's unless given): the answer, to check. */
  function addMember(payload: Record<string, unknown>, cookie = admin) {
    return t.app.inject({ method: 'POST', url: members(), headers: { cookie }, payload })
  }

  async function createGroup(payload: Record<string, unknown>): Promise<GroupDto> {
    const res = await t.app.inject({
      method: 'POST',
      url: groupsUrl(),
      headers: { cookie: admin },
      payload,
    })
    if (res.statusCode !== 201) throw new Error(`group: ${res.statusCode} ${res.body}`)
    return res.json().group
  }

  describe('adding a member', () => {
    it('[1.5.5] an admin adds an existing account by email, in any case; it is a member at once and can connect', async () => {
      const userId = await newAccount('hana@flare.test', 'Hana Ito')
      const res = await addMember({ email: '  Hana@FLARE.test ', role: 'agent' })
      expect(res.statusCode).toBe(201)
      expect(res.json().member).toMatchObject({
        userId,
        displayName: 'Hana Ito',
        role: 'agent',
        managerUserId: null,
        pictureUrl: null,
      })
      expect((await space()).members.map((m) => m.userId)).toContain(userId)
      // the new member reads the space as a member: membership is checked on use
      const own = await space(await t.login('hana@flare.test'))
      expect(own.role).toBe('agent')
      const entries = (await audit('member')).entries
      expect(entries[0]).toMatchObject({ action: 'create', entityId: userId, label: 'Hana Ito' })
    })

    it('[1.5.5] someone already a member is 409 CONFLICT; an unknown email is 404 naming email', async () => {
      const again = await addMember({ email: 'dana@flare.test', role: 'manager' })
      expect(again.statusCode).toBe(409)
      expect(again.json().error).toMatchObject({ code: 'CONFLICT', field: 'email' })
      const dana = (await space()).members.find((m) => m.displayName === 'Dana Reyes')
      expect(dana?.role).toBe('agent')

      const unknown = await addMember({ email: 'nobody@flare.test', role: 'agent' })
      expect(unknown.statusCode).toBe(404)
      expect(unknown.json().error).toMatchObject({ code: 'NOT_FOUND', field: 'email' })
      expect(unknown.json().error.message).toMatch(/no flare account/i)
    })

    it("[1.5.5] another tenant's people are not an admin's to take, nor to find out about", async () => {
      const otherSpace = `/api/spaces/${t.otherSpace.spaceId}/members`
      const addToOther = (email: string) =>
        t.app.inject({
          method: 'POST',
          url: otherSpace,
          headers: { cookie: outsider },
          payload: { email, role: 'agent' },
        })
      // Dana is in this space only: the other space's admin gets what an unknown email gets
      const taken = await addToOther('dana@flare.test')
      const unknown = await addToOther('nobody-at-all@flare.test')
      expect(taken.statusCode).toBe(404)
      expect(taken.json()).toEqual(unknown.json())
      const dana = await t.userId('dana@flare.test')
      const theirs = await t.app.inject({
        url: `/api/spaces/${t.otherSpace.spaceId}`,
        headers: { cookie: outsider },
      })
      expect(theirs.json().members.map((m: { userId: string }) => m.userId)).not.toContain(dana)

      // someone in no space yet joins the other space; then this space's admin, who shares no
      // space with them, cannot take them either
      const kim = await newAccount('kim@flare.test', 'Kim Lund')
      expect((await addToOther('kim@flare.test')).statusCode).toBe(201)
      const refused = await addMember({ email: 'kim@flare.test', role: 'agent' })
      expect(refused.statusCode).toBe(404)
      expect((await space()).members.map((m) => m.userId)).not.toContain(kim)
    })

    it('[1.5.5] an admin in two spaces adds a colleague of one to the other', async () => {
      // the other space's admin joins this one too (as an admin of it), then brings Dana over
      const outsiderId = await t.userId(t.otherSpace.email)
      await t.database.db
        .insert(memberships)
        .values({ spaceId: t.spaceId, userId: outsiderId, role: 'admin' })
      try {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/spaces/${t.otherSpace.spaceId}/members`,
          headers: { cookie: outsider },
          payload: { email: 'dana@flare.test', role: 'agent' },
        })
        expect(res.statusCode).toBe(201)
        expect(res.json().member).toMatchObject({ displayName: 'Dana Reyes', role: 'agent' })
      } finally {
        await t.database.db
          .delete(memberships)
          .where(and(eq(memberships.userId, outsiderId), eq(memberships.spaceId, t.spaceId)))
        await t.database.db
          .delete(memberships)
          .where(
            and(
              eq(memberships.userId, await t.userId('dana@flare.test')),
              eq(memberships.spaceId, t.otherSpace.spaceId),
            ),
          )
      }
    })

    it('[1.5.5] a bad role or extra fields are 400 VALIDATION naming the field', async () => {
      for (const [payload, field] of [
        [{ email: 'hana@flare.test', role: 'owner' }, 'role'],
        [{ email: 'hana@flare.test', role: 'agent', password: 'x' }, 'password'],
        [{ role: 'agent' }, 'email'],
      ] as const) {
        const res = await addMember(payload)
        expect(res.statusCode, JSON.stringify(payload)).toBe(400)
        expect(res.json().error.code).toBe('VALIDATION')
        expect(res.json().error.field ?? res.json().error.message).toContain(field)
      }
    })

    it('[1.5.5] managers and agents get 403, non-members 404, and nobody is added', async () => {
      await newAccount('ivo@flare.test', 'Ivo Petrov')
      for (const [cookie, status] of [
        [manager, 403],
        [agent, 403],
        [outsider, 404],
      ] as const) {
        const res = await addMember({ email: 'ivo@flare.test', role: 'admin' }, cookie)
        expect(res.statusCode).toBe(status)
      }
      expect((await space()).members.map((m) => m.displayName)).not.toContain('Ivo Petrov')
    })
  })

  describe('groups', () => {
    it('[1.5.5] an admin creates a group; it is in the space with its members and the next team number', async () => {
      const before = await space()
      const eli = before.members.find((m) => m.displayName === 'Eli Novak')!.userId
      const gus = before.members.find((m) => m.displayName === 'Gus Okafor')!.userId
      const group = await createGroup({
        name: '  Night shift ',
        handle: 'night-shift',
        memberIds: [eli, gus],
      })
      expect(group).toMatchObject({ name: 'Night shift', handle: 'night-shift' })
      expect(new Set(group.memberIds)).toEqual(new Set([eli, gus]))
      const listed = (await space(agent)).groups.find((g) => g.id === group.id)
      expect(listed).toMatchObject({ name: 'Night shift', handle: 'night-shift' })
      expect(new Set(listed?.memberIds)).toEqual(new Set([eli, gus]))
      // the seed numbers its two teams 1 and 2; a rule may name the new one by its number 3
      const rule = await createRule(t, { escalateTo: 'team', escalateToTeamId: 3 })
      expect(rule.escalateToTeamId).toBe(group.id)
      const entries = (await audit('group')).entries
      expect(entries[0]).toMatchObject({
        action: 'create',
        entityId: group.id,
        label: 'Night shift',
      })
    })

    it('[1.5.5] a malformed handle, a blank or long name and unknown fields are 400 VALIDATION naming the field', async () => {
      for (const [payload, field] of [
        [{ name: 'A', handle: 'Tier 3', memberIds: [] }, 'handle'],
        [{ name: 'A', handle: 'tier3.', memberIds: [] }, 'handle'],
        [{ name: 'A', handle: '@tier3', memberIds: [] }, 'handle'],
        [{ name: 'A', handle: 'x'.repeat(41), memberIds: [] }, 'handle'],
        [{ name: '   ', handle: 'tier3', memberIds: [] }, 'name'],
        [{ name: 'n'.repeat(81), handle: 'tier3', memberIds: [] }, 'name'],
        [{ name: 'A', handle: 'tier3', memberIds: ['not-a-uuid'] }, 'memberIds'],
        [{ name: 'A', handle: 'tier3' }, 'memberIds'],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url: groupsUrl(),
          headers: { cookie: admin },
          payload,
        })
        expect(res.statusCode, JSON.stringify(payload)).toBe(400)
        expect(res.json().error.code).toBe('VALIDATION')
        expect(res.json().error.field ?? res.json().error.message).toContain(field)
      }
      expect((await space()).groups.map((g) => g.handle)).not.toContain('tier3')
    })

    it('[1.5.5] a member id that is not a member of the space is 400 naming memberIds.N', async () => {
      const ada = (await space()).members.find((m) => m.role === 'admin')!.userId
      const [olive] = await Promise.all([t.userId(t.otherSpace.email)])
      const res = await t.app.inject({
        method: 'POST',
        url: groupsUrl(),
        headers: { cookie: admin },
        payload: { name: 'Mixed', handle: 'mixed', memberIds: [ada, olive] },
      })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'VALIDATION', field: 'memberIds.1' })
    })

    it('[1.5.5] a handle another group of the space has is 409 CONFLICT, on create and on rename', async () => {
      const taken = await t.app.inject({
        method: 'POST',
        url: groupsUrl(),
        headers: { cookie: admin },
        payload: { name: 'Another tier 1', handle: 'tier1', memberIds: [] },
      })
      expect(taken.statusCode).toBe(409)
      expect(taken.json().error).toMatchObject({ code: 'CONFLICT', field: 'handle' })

      const group = await createGroup({ name: 'Weekend', handle: 'weekend', memberIds: [] })
      const rename = await t.app.inject({
        method: 'PATCH',
        url: `${groupsUrl()}/${group.id}`,
        headers: { cookie: admin },
        payload: { handle: 'supervisors' },
      })
      expect(rename.statusCode).toBe(409)
      // keeping its own handle is no conflict
      const same = await t.app.inject({
        method: 'PATCH',
        url: `${groupsUrl()}/${group.id}`,
        headers: { cookie: admin },
        payload: { handle: 'weekend', name: 'Weekend team' },
      })
      expect(same.statusCode).toBe(200)
      expect(same.json().group).toMatchObject({ name: 'Weekend team', handle: 'weekend' })
    })

    it('[1.5.5] another space may use the same handle', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.otherSpace.spaceId}/groups`,
        headers: { cookie: outsider },
        payload: { name: 'Their tier 1', handle: 'tier1', memberIds: [] },
      })
      expect(res.statusCode).toBe(201)
    })

    it('[1.5.5] PATCH replaces the members and keeps what is not given; the audit log has before and after', async () => {
      const current = await space()
      const tier1 = current.groups.find((g) => g.handle === 'tier1')!
      const max = current.members.find((m) => m.displayName === 'Max Manager')!.userId
      const res = await t.app.inject({
        method: 'PATCH',
        url: `${groupsUrl()}/${tier1.id}`,
        headers: { cookie: admin },
        payload: { memberIds: [max] },
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().group).toEqual({ ...tier1, memberIds: [max] })
      expect((await space()).groups.find((g) => g.id === tier1.id)?.memberIds).toEqual([max])
      const entry = (await audit('group')).entries[0]
      expect(entry).toMatchObject({ action: 'update', entityId: tier1.id, label: 'Tier 1 support' })
      expect(entry?.changes.some((c) => c.path.startsWith('memberIds'))).toBe(true)

      const empty = await t.app.inject({
        method: 'PATCH',
        url: `${groupsUrl()}/${tier1.id}`,
        headers: { cookie: admin },
        payload: {},
      })
      expect(empty.statusCode).toBe(400)
      const stranger = await t.app.inject({
        method: 'PATCH',
        url: `${groupsUrl()}/${tier1.id}`,
        headers: { cookie: admin },
        payload: { memberIds: [max, await t.userId(t.otherSpace.email)] },
      })
      expect(stranger.statusCode).toBe(400)
      expect(stranger.json().error.field).toBe('memberIds.1')
    })

    it('[1.5.5] deleting a group a rule sends to is 409 naming the rule; once the rule changes it is deleted', async () => {
      const group = await createGroup({ name: 'Escalations', handle: 'escalations', memberIds: [] })
      const primary = await createRule(t, {
        name: 'To the escalations team',
        escalateTo: 'team',
        escalateToTeamId: group.id,
      })
      const fallback = await createRule(t, {
        name: 'Falls back to the team',
        acknowledgeWithinMinutes: 5,
        fallback: { escalateTo: 'team', escalateToTeamId: group.id },
      })
      const refused = await t.app.inject({
        method: 'DELETE',
        url: `${groupsUrl()}/${group.id}`,
        headers: { cookie: admin },
      })
      expect(refused.statusCode).toBe(409)
      expect(refused.json().error.code).toBe('CONFLICT')
      expect(refused.json().error.message).toContain('To the escalations team')
      expect(refused.json().error.message).toContain('Falls back to the team')
      expect((await space()).groups.map((g) => g.id)).toContain(group.id)

      for (const rule of [primary, fallback]) {
        const res = await t.app.inject({
          method: 'DELETE',
          url: `/api/tickets/escalation-rules/${rule.id}`,
          headers: { cookie: manager },
        })
        expect(res.statusCode).toBe(200)
      }
      t.clock.advance(1000)
      const deleted = await t.app.inject({
        method: 'DELETE',
        url: `${groupsUrl()}/${group.id}`,
        headers: { cookie: admin },
      })
      expect(deleted.statusCode).toBe(200)
      expect(deleted.json()).toEqual({ deleted: true })
      expect((await space()).groups.map((g) => g.id)).not.toContain(group.id)
      expect((await audit('group')).entries[0]).toMatchObject({
        action: 'delete',
        entityId: group.id,
        label: 'Escalations',
      })
      const again = await t.app.inject({
        method: 'DELETE',
        url: `${groupsUrl()}/${group.id}`,
        headers: { cookie: admin },
      })
      expect(again.statusCode).toBe(404)
    })

    it("[1.5.5] another space's group is 404 to this space's admin", async () => {
      const theirs = (
        await t.app.inject({
          method: 'POST',
          url: `/api/spaces/${t.otherSpace.spaceId}/groups`,
          headers: { cookie: outsider },
          payload: { name: 'Theirs', handle: 'theirs', memberIds: [] },
        })
      ).json().group
      for (const method of ['PATCH', 'DELETE'] as const) {
        const res = await t.app.inject({
          method,
          url: `${groupsUrl()}/${theirs.id}`,
          headers: { cookie: admin },
          ...(method === 'PATCH' ? { payload: { name: 'Mine now' } } : {}),
        })
        expect(res.statusCode, method).toBe(404)
      }
    })

    it('[1.5.5] managers and agents get 403 and non-members 404 on every group write; nothing changes', async () => {
      const tier1 = (await space()).groups.find((g) => g.handle === 'supervisors')!
      const writes = [
        { method: 'POST', url: groupsUrl(), payload: { name: 'X', handle: 'x', memberIds: [] } },
        { method: 'PATCH', url: `${groupsUrl()}/${tier1.id}`, payload: { name: 'Renamed' } },
        { method: 'DELETE', url: `${groupsUrl()}/${tier1.id}` },
      ] as const
      for (const [cookie, status] of [
        [manager, 403],
        [agent, 403],
        [outsider, 404],
      ] as const) {
        for (const write of writes) {
          const res = await t.app.inject({ ...write, headers: { cookie } })
          expect(res.statusCode, `${write.method} ${status}`).toBe(status)
        }
      }
      const after = await space()
      expect(after.groups.find((g) => g.id === tier1.id)).toEqual(tier1)
      expect(after.groups.map((g) => g.handle)).not.toContain('x')
    })
  })

  it('[1.5.5] role changes and removals are in the audit log', async () => {
    const hana = await t.userId('hana@flare.test')
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `${members()}/${hana}`,
      headers: { cookie: admin },
      payload: { role: 'manager' },
    })
    expect(patch.statusCode).toBe(200)
    t.clock.advance(1000)
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `${members()}/${hana}`,
      headers: { cookie: admin },
    })
    expect(removed.statusCode).toBe(204)
    const [gone, changed] = (await audit('member')).entries
    expect(gone).toMatchObject({ action: 'delete', entityId: hana, label: 'Hana Ito' })
    expect(changed).toMatchObject({ action: 'update', entityId: hana })
    expect(changed?.changes).toEqual([{ path: 'role', before: 'agent', after: 'manager' }])
  })

  describe('removing a member', () => {
    it('[1.5.6] a member a rule sends to by name (target or fallback) is 409 naming the rules; once changed, removed', async () => {
      const ivo = await newAccount('ivor.brandt@flare.test', 'Ivo Brandt')
      expect((await addMember({ email: 'ivor.brandt@flare.test', role: 'agent' })).statusCode).toBe(
        201,
      )
      const named = await createRule(t, {
        name: 'Straight to Ivo',
        escalateTo: 'specific_user',
        escalateToUserId: ivo,
      })
      const fallback = await createRule(t, {
        name: 'Ivo if nobody answers',
        acknowledgeWithinMinutes: 5,
        fallback: { escalateTo: 'specific_user', escalateToUserId: ivo },
      })
      const remove = () =>
        t.app.inject({ method: 'DELETE', url: `${members()}/${ivo}`, headers: { cookie: admin } })
      const refused = await remove()
      expect(refused.statusCode).toBe(409)
      expect(refused.json().error.code).toBe('CONFLICT')
      expect(refused.json().error.message).toContain('Straight to Ivo')
      expect(refused.json().error.message).toContain('Ivo if nobody answers')
      expect((await space()).members.map((m) => m.userId)).toContain(ivo)
      for (const rule of [named, fallback]) {
        const res = await t.app.inject({
          method: 'DELETE',
          url: `/api/tickets/escalation-rules/${rule.id}`,
          headers: { cookie: manager },
        })
        expect(res.statusCode).toBe(200)
      }
      expect((await remove()).statusCode).toBe(204)
      expect((await space()).members.map((m) => m.userId)).not.toContain(ivo)
    })

    it('[1.5.6] their hands come down, their open tickets are freed, rotations skip them and keep whose turn is next', async () => {
      url ||= await t.listen()
      const clients = new Clients(() => url)
      try {
        const jo = await newAccount('jo@flare.test', 'Jo Lindqvist')
        expect((await addMember({ email: 'jo@flare.test', role: 'agent' })).statusCode).toBe(201)
        const joCookie = await t.login('jo@flare.test')
        const [dana, max] = [
          await t.userId('dana@flare.test'),
          await t.userId('manager@flare.test'),
        ]

        // Jo's hand raised by an integration: no presence whose grace would end it
        const raised = await t.app.inject({
          method: 'POST',
          url: `/api/spaces/${t.spaceId}/escalations`,
          headers: { cookie: joCookie },
          payload: {
            message: 'Caller on hold',
            notify: false,
            recipients: { userIds: [], groupIds: [] },
          },
        })
        expect(raised.statusCode).toBe(201)
        const handId: string = raised.json().escalation.id

        const inbox = await isolatedInbox(t)
        const open = await customerWrites(t, inbox, 'first')
        const held = await customerWrites(t, inbox, 'second')
        const done = await customerWrites(t, inbox, 'third')
        for (const [ticketId, extra] of [
          [open, {}],
          [held, { status: 'on_hold' }],
          [done, { status: 'resolved' }],
        ] as const) {
          const res = await t.app.inject({
            method: 'PATCH',
            url: `/api/spaces/${t.spaceId}/tickets/${ticketId}`,
            headers: { cookie: manager },
            payload: { assignedToUserId: jo, ...extra },
          })
          expect(res.statusCode, res.body).toBe(200)
        }

        // Jo sits between Dana and Max, and Max is next
        const created = await t.app.inject({
          method: 'POST',
          url: `/api/spaces/${t.spaceId}/rotations`,
          headers: { cookie: manager },
          payload: { name: 'Weekend', memberIds: [dana, jo, max] },
        })
        expect(created.statusCode).toBe(201)
        const rotationId: string = created.json().rotation.id
        await t.database.db
          .update(rotations)
          .set({ nextIndex: 2 })
          .where(eq(rotations.id, rotationId))

        const { client: watcher } = await clients.join(t.spaceId, agent)
        const ended: unknown[] = []
        const updated: Array<{ id: string; assignedToUserId: string | null }> = []
        watcher.on('escalation:ended', (e) => ended.push(e))
        watcher.on('ticket:updated', (ticket) => updated.push(ticket))

        t.clock.advance(1000)
        const removed = await t.app.inject({
          method: 'DELETE',
          url: `${members()}/${jo}`,
          headers: { cookie: admin },
        })
        expect(removed.statusCode).toBe(204)

        // done by the time the removal answers
        const hands = await t.app.inject({
          url: `/api/spaces/${t.spaceId}/escalations`,
          headers: { cookie: admin },
        })
        expect(hands.json().escalations.map((e: { id: string }) => e.id)).not.toContain(handId)
        const [row] = await t.database.db
          .select()
          .from(escalations)
          .where(eq(escalations.id, handId))
        expect(row).toMatchObject({
          endReason: 'ended_by_manager',
          endedBy: await t.userId('admin@flare.test'),
        })
        const assignee = async (ticketId: string) =>
          (await t.database.db.select().from(tickets).where(eq(tickets.id, ticketId)))[0]
            ?.assignedToUserId
        expect(await assignee(open)).toBeNull()
        expect(await assignee(held)).toBeNull()
        expect(await assignee(done)).toBe(jo)
        const [rotation] = await t.database.db
          .select()
          .from(rotations)
          .where(eq(rotations.id, rotationId))
        expect(rotation?.memberIds).toEqual([dana, max])
        expect(rotation?.memberIds[rotation.nextIndex]).toBe(max)

        // and everyone present heard of it
        await expect.poll(() => ended.length).toBe(1)
        expect(ended[0]).toMatchObject({ id: handId, reason: 'ended_by_manager' })
        await expect
          .poll(() =>
            updated
              .filter((u) => u.assignedToUserId === null)
              .map((u) => u.id)
              .sort(),
          )
          .toEqual([open, held].sort())
      } finally {
        clients.closeAll()
      }
    })
  })

  it('[1.5.5] every open page of the space hears members and groups change, with the whole member or group', async () => {
    const clients = new Clients(() => url)
    url ||= await t.listen()
    try {
      const { client: dana } = await clients.join(t.spaceId, agent)
      const heard: Array<[string, unknown]> = []
      dana.on('member:updated', (m) => heard.push(['member:updated', m]))
      dana.on('member:removed', (m) => heard.push(['member:removed', m]))
      dana.on('group:updated', (g) => heard.push(['group:updated', g]))
      dana.on('group:deleted', (g) => heard.push(['group:deleted', g]))
      const next = async (): Promise<[string, unknown]> => {
        await expect.poll(() => heard.length).toBeGreaterThan(0)
        const first = heard.shift()
        if (!first) throw new Error('nothing heard')
        return first
      }

      const ines = await newAccount('ines@flare.test', 'Ines Park')
      const added = await addMember({ email: 'ines@flare.test', role: 'agent' })
      expect(added.statusCode).toBe(201)
      expect(await next()).toEqual(['member:updated', added.json().member])

      const promoted = await t.app.inject({
        method: 'PATCH',
        url: `${members()}/${ines}`,
        headers: { cookie: admin },
        payload: { role: 'manager' },
      })
      expect(promoted.statusCode).toBe(200)
      expect(await next()).toEqual(['member:updated', promoted.json().member])

      const group = await createGroup({ name: 'Night shift', handle: 'night', memberIds: [ines] })
      expect(await next()).toEqual(['group:updated', group])
      const renamed = await t.app.inject({
        method: 'PATCH',
        url: `${groupsUrl()}/${group.id}`,
        headers: { cookie: admin },
        payload: { name: 'Late shift' },
      })
      expect(renamed.statusCode).toBe(200)
      expect(await next()).toEqual(['group:updated', renamed.json().group])

      const removed = await t.app.inject({
        method: 'DELETE',
        url: `${members()}/${ines}`,
        headers: { cookie: admin },
      })
      expect(removed.statusCode).toBe(204)
      expect(await next()).toEqual(['member:removed', { userId: ines }])

      const deleted = await t.app.inject({
        method: 'DELETE',
        url: `${groupsUrl()}/${group.id}`,
        headers: { cookie: admin },
      })
      expect(deleted.statusCode).toBe(200)
      expect(await next()).toEqual(['group:deleted', { groupId: group.id }])

      // a refused change tells no one
      const refused = await t.app.inject({
        method: 'POST',
        url: groupsUrl(),
        headers: { cookie: agent },
        payload: { name: 'Sneaky', handle: 'sneaky', memberIds: [] },
      })
      expect(refused.statusCode).toBe(403)
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(heard).toEqual([])
    } finally {
      clients.closeAll()
    }
  })

  it('[1.5.5] the space and every snapshot count changes to members and groups, so a page away meanwhile can tell', async () => {
    const clients = new Clients(() => url)
    url ||= await t.listen()
    try {
      const before = (await space(agent)).directoryVersion ?? -1
      expect(before).toBeGreaterThanOrEqual(0)
      const first = await clients.join(t.spaceId, agent)
      expect(first.snapshot.directoryVersion).toBe(before)
      first.client.disconnect()

      // while Dana is away: a group, and a role that does not change (counts nothing)
      const group = await createGroup({
        name: 'Weekend cover',
        handle: 'weekend-cover',
        memberIds: [],
      })
      const dana = await t.userId('dana@flare.test')
      const same = await t.app.inject({
        method: 'PATCH',
        url: `${members()}/${dana}`,
        headers: { cookie: admin },
        payload: { role: 'agent' },
      })
      expect(same.statusCode).toBe(200)

      const again = await clients.join(t.spaceId, agent)
      expect(again.snapshot.directoryVersion).toBe(before + 1)
      const read = await space(agent)
      expect(read.directoryVersion).toBe(before + 1)
      expect(read.groups.map((g) => g.id)).toContain(group.id)
    } finally {
      clients.closeAll()
    }
  })
})
