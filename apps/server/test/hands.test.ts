import type { EscalationDto, EscalationEnded, EscalationNotification } from '@flare/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Client, Clients, emitAck, nextPresence, snapshotOf } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

const GRACE_MS = 400

function next<T>(c: Client, event: string, match: (v: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const on = c.on as (e: string, l: (v: T) => void) => void
    const off = c.off as (e: string, l: (v: T) => void) => void
    const listener = (v: T) => {
      if (!match(v)) return
      off.call(c, event, listener)
      resolve(v)
    }
    on.call(c, event, listener)
  })
}

function record<T>(c: Client, event: string): T[] {
  const seen: T[] = []
  ;(c.on as (e: string, l: (v: T) => void) => void).call(c, event, (v: T) => seen.push(v))
  return seen
}

const none = { userIds: [], groupIds: [] }

describe.each(databaseKinds())('manual escalations on $name', (kind) => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)
  const ids: Record<string, string> = {}
  let groupIds: Record<string, string> = {}

  beforeAll(async () => {
    t = await startTestApp(kind, { reconnectGraceMs: GRACE_MS, moveFlushMs: 20 })
    url = await t.listen()
    for (const name of ['admin', 'manager', 'dana', 'eli', 'fatima', 'gus']) {
      ids[name] = await t.userId(`${name}@flare.test`)
    }
    const space = (
      await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}`,
        headers: { cookie: await t.login('dana@flare.test') },
      })
    ).json()
    groupIds = Object.fromEntries(
      space.groups.map((g: { handle: string; id: string }) => [g.handle, g.id]),
    )
  })
  afterEach(async () => {
    clients.closeAll()
    // every test starts with no hand raised
    await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/escalations/lower-all`,
      headers: { cookie: await t.login('admin@flare.test') },
    })
  })
  afterAll(async () => {
    await t.close()
  })

  async function join(name: string) {
    return clients.join(t.spaceId, await t.login(`${name}@flare.test`))
  }

  it('[3] a yellow escalation shows to everyone and notifies nobody', async () => {
    const { client: dana } = await join('dana')
    const { client: eli } = await join('eli')
    const notified = record<EscalationNotification>(eli, 'escalation:notify')
    const seen = next<EscalationDto>(eli, 'escalation:started')
    const ack = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      message: 'Caller wants a refund',
      notify: false,
      recipients: none,
    })
    expect(ack.ok).toBe(true)
    if (!ack.ok) return
    expect(ack.escalation).toMatchObject({
      raisedBy: ids.dana,
      color: 'yellow',
      message: 'Caller wants a refund',
    })
    expect(await seen).toEqual(ack.escalation)
    // the ended event of the next step arrives after any notify would have
    const ended = next<EscalationEnded>(eli, 'escalation:ended')
    await emitAck(dana, 'escalation:end', {})
    expect((await ended).reason).toBe('raiser')
    expect(notified).toEqual([])
  })

  it('[3] a red escalation notifies only its recipients, groups expanded, never the raiser', async () => {
    const { client: dana } = await join('dana') // in @tier1
    const { client: eli } = await join('eli') // in @tier1
    const { client: max } = await join('manager') // chosen by name
    const { client: ada } = await join('admin') // bystander
    const notifications = {
      dana: record<EscalationNotification>(dana, 'escalation:notify'),
      ada: record<EscalationNotification>(ada, 'escalation:notify'),
    }
    const eliNotified = next<EscalationNotification>(eli, 'escalation:notify')
    const maxNotified = next<EscalationNotification>(max, 'escalation:notify')
    const adaSees = next<EscalationDto>(ada, 'escalation:started')
    const ack = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      message: 'Angry caller',
      notify: true,
      recipients: { userIds: [ids.manager], groupIds: [groupIds.tier1] },
    })
    expect(ack).toMatchObject({
      ok: true,
      escalation: { color: 'red', recipients: { userIds: [ids.manager] } },
    })
    expect(await eliNotified).toMatchObject({
      raiserName: 'Dana Reyes',
      escalation: { message: 'Angry caller' },
    })
    expect((await maxNotified).escalation.color).toBe('red')
    expect((await adaSees).color).toBe('red')
    const ended = next(ada, 'escalation:ended')
    await emitAck(dana, 'escalation:end', {})
    await ended
    expect(notifications.dana).toEqual([])
    expect(notifications.ada).toEqual([])
  })

  it('[3.3.1] a recipient who connects while a red hand is up gets its card after the snapshot, until they answer', async () => {
    /** Connects `name` and answers, once the card had time to follow, what came in order. */
    async function arrive(name: string): Promise<{ client: Client; events: string[] }> {
      const client = clients.connect({
        spaceId: t.spaceId,
        cookie: await t.login(`${name}@flare.test`),
      })
      const events: string[] = []
      client.onAny((event: string, payload: { escalation?: { id: string } }) => {
        if (event === 'space:snapshot') events.push(event)
        if (event === 'escalation:notify') events.push(`notify ${payload.escalation?.id}`)
      })
      await snapshotOf(client)
      // a ping round trip: anything sent right after the snapshot has arrived by then
      await emitAck(client, 'presence:status', { status: 'available' })
      return { client, events }
    }

    const { client: dana } = await join('dana')
    const { client: eli } = await join('eli')
    const raised = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      message: 'Refund over limit',
      notify: true,
      recipients: { userIds: [ids.manager], groupIds: [groupIds.tier1] },
    })
    if (!raised.ok) throw new Error('not raised')
    const { id } = raised.escalation
    // a yellow hand alongside: it notifies no one, late or not
    const { client: fatima } = await join('fatima')
    await emitAck(fatima, 'escalation:raise', { message: 'FYI', notify: false, recipients: none })

    // Max and Gus (of @tier1) were not there when it went up; the admin is not a recipient
    expect((await arrive('manager')).events).toEqual(['space:snapshot', `notify ${id}`])
    expect((await arrive('gus')).events).toEqual(['space:snapshot', `notify ${id}`])
    expect((await arrive('admin')).events).toEqual(['space:snapshot'])
    // nor is the raiser, whatever tab she opens
    expect((await arrive('dana')).events).toEqual(['space:snapshot'])

    // Eli answers: a page of his that connects later shows no card for it
    expect((await arrive('eli')).events).toEqual(['space:snapshot', `notify ${id}`])
    await emitAck(eli, 'escalation:respond', { escalationId: id, action: 'chat' })
    expect((await arrive('eli')).events).toEqual(['space:snapshot'])

    // ended: no one gets it any more
    await emitAck(dana, 'escalation:end', {})
    expect((await arrive('manager')).events).toEqual(['space:snapshot'])
  })

  it('[9] escalation:end as the contract lists it, with no payload: the callback alone, null, or nothing at all', async () => {
    const { client: dana } = await join('dana')
    const { client: eli } = await join('eli')
    const raise = () =>
      emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
        message: 'end me',
        notify: false,
        recipients: none,
      })
    type Ended = { ok: boolean; ended?: EscalationEnded }
    const untyped = dana as unknown as {
      emit(event: string, ...args: unknown[]): void
    }

    await raise()
    const alone = await new Promise<Ended>((resolve) => untyped.emit('escalation:end', resolve))
    expect(alone).toMatchObject({ ok: true, ended: { reason: 'raiser' } })

    await raise()
    const withNull = await new Promise<Ended>((resolve) =>
      untyped.emit('escalation:end', null, resolve),
    )
    expect(withNull).toMatchObject({ ok: true, ended: { reason: 'raiser' } })

    // no payload and no callback: still ended, as everyone in the space hears
    const raised = await raise()
    if (!raised.ok) throw new Error('not raised')
    const { escalation } = raised
    const heard = next<EscalationEnded>(eli, 'escalation:ended', (e) => e.id === escalation.id)
    untyped.emit('escalation:end')
    expect(await heard).toMatchObject({ id: escalation.id, reason: 'raiser' })
  })

  it('[3] refuses 51 characters with MESSAGE_TOO_LONG and never cuts; an emoji counts once', async () => {
    const { client: dana } = await join('dana')
    const { client: eli } = await join('eli')
    const started = record(eli, 'escalation:started')
    const tooLong = await emitAck(dana, 'escalation:raise', {
      message: 'x'.repeat(51),
      notify: false,
      recipients: none,
    })
    expect(tooLong).toMatchObject({
      ok: false,
      error: { code: 'MESSAGE_TOO_LONG', field: 'message' },
    })
    const emoji = '👍🏽'.repeat(50)
    const ok = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      message: emoji,
      notify: false,
      recipients: none,
    })
    expect(ok.ok && ok.escalation.message).toBe(emoji)
    await emitAck(dana, 'escalation:end', {})
    expect(started).toHaveLength(1)
  })

  it('[3] stores line breaks as single spaces', async () => {
    const { client: dana } = await join('dana')
    const ack = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      message: 'Need\n\n\nhelp\r\nnow',
      notify: false,
      recipients: none,
    })
    expect(ack.ok && ack.escalation.message).toBe('Need help now')
  })

  it('[3] a red escalation needs a recipient; recipients need red; both refused before anything is stored', async () => {
    const { client: dana } = await join('dana')
    const { client: eli } = await join('eli')
    const started = record(eli, 'escalation:started')
    expect(
      await emitAck(dana, 'escalation:raise', { notify: true, recipients: none }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', field: 'recipients' },
    })
    expect(
      await emitAck(dana, 'escalation:raise', {
        notify: false,
        recipients: { userIds: [ids.eli], groupIds: [] },
      }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'recipients' } })
    // only yourself, through a name: nobody to notify
    expect(
      await emitAck(dana, 'escalation:raise', {
        notify: true,
        recipients: { userIds: [ids.dana], groupIds: [] },
      }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    const rest = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/escalations`,
      headers: { cookie: await t.login('dana@flare.test') },
    })
    expect(rest.json().escalations).toEqual([])
    expect(started).toEqual([])
  })

  it("refuses another space's users and groups as recipients, naming the field", async () => {
    const { client: dana } = await join('dana')
    const outsider = await t.userId(t.otherSpace.email)
    expect(
      await emitAck(dana, 'escalation:raise', {
        notify: true,
        recipients: { userIds: [ids.eli, outsider], groupIds: [] },
      }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'recipients.userIds.1' } })
    expect(
      await emitAck(dana, 'escalation:raise', {
        notify: true,
        recipients: { userIds: [], groupIds: ['00000000-0000-4000-8000-000000000000'] },
      }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'recipients.groupIds.0' } })
  })

  it('refuses malformed payloads with an error ack', async () => {
    const { client: dana } = await join('dana')
    for (const payload of [
      null,
      'raise',
      { notify: 'yes', recipients: none },
      { notify: false },
      { notify: false, recipients: none, color: 'red' },
      { notify: false, recipients: { userIds: ['not-a-uuid'], groupIds: [] } },
      { notify: false, recipients: none, message: 42 },
    ]) {
      const ack = await emitAck(dana, 'escalation:raise', payload)
      expect(ack, JSON.stringify(payload)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      })
    }
    expect(
      await emitAck(dana, 'escalation:respond', { escalationId: 'x', action: 'approach' }),
    ).toMatchObject({
      ok: false,
    })
  })

  it('[3] one active escalation per member', async () => {
    const { client: dana } = await join('dana')
    expect((await emitAck(dana, 'escalation:raise', { notify: false, recipients: none })).ok).toBe(
      true,
    )
    expect(
      await emitAck(dana, 'escalation:raise', { notify: false, recipients: none }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    })
  })

  it('[3] ends when the raiser enters a meeting room', async () => {
    const { client: dana, snapshot } = await join('dana')
    const { client: eli } = await join('eli')
    await emitAck(dana, 'escalation:raise', { notify: false, recipients: none })
    const room = snapshot.rooms[0]!
    const ended = next<EscalationEnded>(eli, 'escalation:ended')
    await emitAck(dana, 'presence:move', { x: room.x + 20, y: room.y + 20 })
    expect(await ended).toMatchObject({ raisedBy: ids.dana, reason: 'entered_room', endedBy: null })
  })

  it('[3] refuses a hand raised inside a meeting room with IN_MEETING_ROOM, naming the room', async () => {
    const { client: dana, snapshot } = await join('dana')
    const room = snapshot.rooms[0]!
    await emitAck(dana, 'presence:move', { x: room.x + 20, y: room.y + 20 })
    const ack = await emitAck(dana, 'escalation:raise', { notify: false, recipients: none })
    expect(ack).toMatchObject({ ok: false, error: { code: 'IN_MEETING_ROOM' } })
    if (ack.ok) throw new Error('raised in a room')
    expect(ack.error.message).toContain(room.name)
    // nothing was stored: walking out, the same member raises one
    await emitAck(dana, 'presence:move', { x: 800, y: 950 })
    expect(
      await emitAck(dana, 'escalation:raise', { notify: false, recipients: none }),
    ).toMatchObject({ ok: true })
  })

  it('[3] ends when the raiser sets status away, but not busy', async () => {
    const { client: dana } = await join('dana')
    const { client: eli } = await join('eli')
    await emitAck(dana, 'escalation:raise', { notify: false, recipients: none })
    const ended = next<EscalationEnded>(eli, 'escalation:ended')
    const busy = nextPresence(eli, (u) => u.kind === 'status')
    await emitAck(dana, 'presence:status', { status: 'busy' })
    await busy
    await emitAck(dana, 'presence:status', { status: 'away' })
    expect((await ended).reason).toBe('away')
  })

  it('[3] ends when the raiser leaves the space', async () => {
    const { client: dana } = await join('dana')
    const { client: eli } = await join('eli')
    await emitAck(dana, 'escalation:raise', { notify: false, recipients: none })
    const ended = next<EscalationEnded>(eli, 'escalation:ended')
    await emitAck(dana, 'space:leave', {})
    expect((await ended).reason).toBe('left')
  })

  it('[2][3] a raiser back within the grace keeps the escalation; after it, it ends as disconnected', async () => {
    const cookie = await t.login('dana@flare.test')
    const { client: dana } = await clients.join(t.spaceId, cookie)
    const { client: eli } = await join('eli')
    const ack = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      notify: false,
      recipients: none,
    })
    const endings = record<EscalationEnded>(eli, 'escalation:ended')
    dana.io.engine.close()
    await nextPresence(eli, (u) => u.kind === 'away')
    const { client: back, snapshot } = await clients.join(t.spaceId, cookie)
    expect(snapshot.escalations.map((e) => e.id)).toEqual([ack.ok && ack.escalation.id])

    const ended = next<EscalationEnded>(eli, 'escalation:ended')
    const dropped = performance.now()
    back.io.engine.close()
    expect((await ended).reason).toBe('disconnected')
    expect(performance.now() - dropped).toBeGreaterThanOrEqual(GRACE_MS - 20)
    expect(endings).toHaveLength(1)
  })

  it('[3] admins and managers may end anyone’s, or lower all; agents may not', async () => {
    const { client: dana } = await join('dana')
    const { client: eli } = await join('eli')
    const { client: max } = await join('manager')
    const danaAck = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      notify: false,
      recipients: none,
    })
    await emitAck(eli, 'escalation:raise', { notify: false, recipients: none })
    const danaId = danaAck.ok ? danaAck.escalation.id : ''

    expect(await emitAck(eli, 'escalation:end', { escalationId: danaId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })
    expect(await emitAck(eli, 'escalation:lower-all', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })

    const seen = next<EscalationEnded>(dana, 'escalation:ended')
    expect(await emitAck(max, 'escalation:end', { escalationId: danaId })).toMatchObject({
      ok: true,
      ended: { id: danaId, reason: 'ended_by_manager', endedBy: ids.manager },
    })
    expect((await seen).id).toBe(danaId)
    expect(await emitAck(max, 'escalation:lower-all', {})).toEqual({ ok: true, ended: 1 })
    expect(await emitAck(eli, 'escalation:end', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
  })

  it('[3] Approach walks the responder next to the raiser, and everyone sees who responds', async () => {
    const { client: dana } = await join('dana')
    const { client: eli } = await join('eli')
    const { client: ada } = await join('admin')
    await emitAck(dana, 'presence:move', { x: 800, y: 700 })
    const ack = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      notify: true,
      recipients: { userIds: [ids.eli], groupIds: [] },
    })
    if (!ack.ok) throw new Error('raise failed')
    const response = next<{ escalationId: string; response: { userId: string; action: string } }>(
      ada,
      'escalation:response',
    )
    const moved = nextPresence(ada, (u) => u.kind === 'moved' && u.userId === ids.eli)
    const approach = await emitAck<{ position: { x: number; y: number } }>(
      eli,
      'escalation:respond',
      {
        escalationId: ack.escalation.id,
        action: 'approach',
      },
    )
    expect(approach.ok).toBe(true)
    if (!approach.ok) return
    const distance = Math.hypot(approach.position.x - 800, approach.position.y - 700)
    expect(distance).toBeGreaterThanOrEqual(44)
    expect(distance).toBeLessThan(120)
    expect(await moved).toMatchObject({ x: approach.position.x, y: approach.position.y })
    expect(await response).toMatchObject({
      escalationId: ack.escalation.id,
      response: { userId: ids.eli, action: 'approach' },
    })

    // a late joiner sees the escalation and its response in the snapshot
    const { snapshot } = await join('gus')
    expect(snapshot.escalations).toEqual([
      expect.objectContaining({
        id: ack.escalation.id,
        responses: [expect.objectContaining({ userId: ids.eli })],
      }),
    ])
  })

  it('[3] refuses Approach from inside a meeting room; Chat is still recorded', async () => {
    const { client: dana } = await join('dana')
    const { client: eli, snapshot } = await join('eli')
    const room = snapshot.rooms[1]!
    const ack = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      notify: true,
      recipients: { userIds: [ids.eli], groupIds: [] },
    })
    if (!ack.ok) throw new Error('raise failed')
    await emitAck(eli, 'presence:move', { x: room.x + 30, y: room.y + 30 })
    expect(
      await emitAck(eli, 'escalation:respond', {
        escalationId: ack.escalation.id,
        action: 'approach',
      }),
    ).toMatchObject({ ok: false, error: { code: 'IN_MEETING_ROOM' } })
    expect(
      await emitAck(eli, 'escalation:respond', { escalationId: ack.escalation.id, action: 'chat' }),
    ).toMatchObject({ ok: true, response: { action: 'chat', userId: ids.eli } })
  })

  it('[3] late joiners see active escalations oldest first', async () => {
    const { client: dana } = await join('dana')
    const { client: eli } = await join('eli')
    const first = await emitAck<{ escalation: EscalationDto }>(dana, 'escalation:raise', {
      message: 'first',
      notify: false,
      recipients: none,
    })
    t.clock.advance(1000)
    const second = await emitAck<{ escalation: EscalationDto }>(eli, 'escalation:raise', {
      message: 'second',
      notify: false,
      recipients: none,
    })
    const { snapshot } = await join('gus')
    expect(snapshot.escalations.map((e) => e.message)).toEqual(['first', 'second'])
    expect(first.ok && second.ok).toBe(true)
  })

  describe('REST for integrations', () => {
    it('[3] POST raises as the token’s user, DELETE ends it; a space member sees both live', async () => {
      const cookie = await t.login('manager@flare.test')
      const { secret } = (
        await t.app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { cookie },
          payload: { name: 'wallboard' },
        })
      ).json()
      const { client: eli } = await join('eli')
      const started = next<EscalationDto>(eli, 'escalation:started')
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.spaceId}/escalations`,
        headers: { authorization: `Bearer ${secret}` },
        payload: { message: 'System outage: all hands', notify: false, recipients: none },
      })
      expect(res.statusCode).toBe(201)
      expect(res.json().escalation).toMatchObject({ raisedBy: ids.manager, color: 'yellow' })
      expect((await started).id).toBe(res.json().escalation.id)

      const ended = next<EscalationEnded>(eli, 'escalation:ended')
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/spaces/${t.spaceId}/escalations/${res.json().escalation.id}`,
        headers: { authorization: `Bearer ${secret}` },
      })
      expect(del.statusCode).toBe(200)
      expect((await ended).reason).toBe('raiser')
    })

    it('applies the same validation: 51 characters, a red with no recipients, a non-member', async () => {
      const cookie = await t.login('dana@flare.test')
      const post = (spaceId: string, payload: unknown, headers = { cookie }) =>
        t.app.inject({
          method: 'POST',
          url: `/api/spaces/${spaceId}/escalations`,
          headers,
          payload: payload as object,
        })
      const long = await post(t.spaceId, {
        message: 'é'.repeat(51),
        notify: false,
        recipients: none,
      })
      expect(long.statusCode).toBe(400)
      expect(long.json().error.code).toBe('MESSAGE_TOO_LONG')
      expect((await post(t.spaceId, { notify: true, recipients: none })).statusCode).toBe(400)
      expect(
        (await post(t.otherSpace.spaceId, { notify: false, recipients: none })).statusCode,
      ).toBe(404)
      expect(
        (await post(t.spaceId, { notify: false, recipients: none }, { cookie: '' })).statusCode,
      ).toBe(401)
    })

    it("answers 404 for another space's escalation id", async () => {
      const outsider = await t.login(t.otherSpace.email)
      const raised = await t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.otherSpace.spaceId}/escalations`,
        headers: { cookie: outsider },
        payload: { notify: false, recipients: none },
      })
      expect(raised.statusCode).toBe(201)
      const res = await t.app.inject({
        method: 'DELETE',
        url: `/api/spaces/${t.spaceId}/escalations/${raised.json().escalation.id}`,
        headers: { cookie: await t.login('admin@flare.test') },
      })
      expect(res.statusCode).toBe(404)
    })

    it('[3] offers the 5 most recent distinct messages, newest first', async () => {
      const cookie = await t.login('fatima@flare.test')
      const { client: fatima } = await clients.join(t.spaceId, cookie)
      for (const message of ['a', 'b', 'a', 'c', 'd', 'e', 'f']) {
        t.clock.advance(61_000) // stay under the rate limit
        await emitAck(fatima, 'escalation:raise', { message, notify: false, recipients: none })
        await emitAck(fatima, 'escalation:end', {})
      }
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}/escalations/recent-messages`,
        headers: { cookie },
      })
      expect(res.json()).toEqual({ messages: ['f', 'e', 'd', 'c', 'a'] })
    })
  })
})

describe('escalation rate limit', () => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)
  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0]!, { raisesPerMinute: 3 })
    url = await t.listen()
  })
  afterAll(async () => {
    clients.closeAll()
    await t.close()
  })

  it('[3] refuses more raises a minute than allowed, with a clear error', async () => {
    const { client } = await clients.join(t.spaceId, await t.login('gus@flare.test'))
    for (let i = 0; i < 3; i += 1) {
      expect(
        (await emitAck(client, 'escalation:raise', { notify: false, recipients: none })).ok,
      ).toBe(true)
      await emitAck(client, 'escalation:end', {})
    }
    expect(
      await emitAck(client, 'escalation:raise', { notify: false, recipients: none }),
    ).toMatchObject({
      ok: false,
      // the clock stood still: the first raise of the minute leaves the window in 60 s
      error: { code: 'RATE_LIMITED', retryAfterMs: 60_000 },
    })
    t.clock.advance(61_000)
    expect(
      (await emitAck(client, 'escalation:raise', { notify: false, recipients: none })).ok,
    ).toBe(true)
  })

  it('[3] answers a REST raise over the limit with 429, Retry-After and retryAfterMs', async () => {
    const cookie = await t.login('fatima@flare.test')
    const raise = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.spaceId}/escalations`,
        headers: { cookie },
        payload: { notify: false, recipients: none },
      })
    const admin = await t.login('admin@flare.test')
    for (let i = 0; i < 3; i += 1) {
      expect((await raise()).statusCode).toBe(201)
      await t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.spaceId}/escalations/lower-all`,
        headers: { cookie: admin },
      })
    }
    const res = await raise()
    expect(res.statusCode).toBe(429)
    expect(res.headers['retry-after']).toBe('60')
    expect(res.json().error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 60_000 })
  })
})
