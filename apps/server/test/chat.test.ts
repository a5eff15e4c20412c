import {
  CHAT_BODY_MAX,
  type ChatHistoryResponse,
  type ChatMessageDto,
  type ChatThreadsResponse,
  directThreadKey,
} from '@flare/protocol'
import { eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chatMessages, groups } from '../src/db/schema.js'
import { nextChat, recordChat } from './chat-support.js'
import { Clients, emitAck } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'

describe.each(databaseKinds())('chat on $name', (kind) => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)
  const ids: Record<string, string> = {}
  const cookies: Record<string, string> = {}

  beforeAll(async () => {
    t = await startTestApp(kind)
    url = await t.listen()
    for (const name of ['admin', 'manager', 'dana', 'eli', 'fatima', 'gus']) {
      ids[name] = await t.userId(`${name}@flare.test`)
      cookies[name] = await t.login(`${name}@flare.test`)
    }
    ids.outsider = await t.userId(t.otherSpace.email)
    cookies.outsider = await t.login(t.otherSpace.email)
  })
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t?.close()
  })

  async function join(name: string) {
    return (await clients.join(t.spaceId, cookies[name]!)).client
  }

  async function send(client: ReturnType<Clients['connect']>, payload: unknown) {
    // each message a moment after the last, as on a real clock
    t.clock.advance(1000)
    return emitAck<{ message: ChatMessageDto }>(client, 'chat:send', payload)
  }

  function get<T>(name: string, path: string) {
    return t.app
      .inject({ method: 'GET', url: path, headers: { cookie: cookies[name]! } })
      .then((res) => ({ status: res.statusCode, body: res.json() as T }))
  }

  function history(name: string, threadKey: string, query = '') {
    return get<ChatHistoryResponse>(
      name,
      `/api/spaces/${t.spaceId}/chat/threads/${threadKey}/messages${query}`,
    )
  }

  it('[2] a space message reaches every member and is stored', async () => {
    const dana = await join('dana')
    const eli = await join('eli')
    const max = await join('manager')
    const atEli = nextChat(eli)
    const atMax = nextChat(max)
    const atDana = nextChat(dana)
    const ack = await send(dana, { to: { kind: 'space' }, body: 'Morning, team ☕' })
    expect(ack).toMatchObject({
      ok: true,
      message: {
        threadKey: 'space',
        kind: 'space',
        authorId: ids.dana,
        authorName: 'Dana Reyes',
        body: 'Morning, team ☕',
        mentions: { userIds: [], groupIds: [] },
      },
    })
    if (!ack.ok) return
    expect(await atEli).toEqual(ack.message)
    expect(await atMax).toEqual(ack.message)
    expect(await atDana).toEqual(ack.message)
    const stored = await history('gus', 'space')
    expect(stored.status).toBe(200)
    expect(stored.body.messages.at(-1)).toEqual(ack.message)
  })

  it('[2] a direct message reaches only the two people, in every tab of theirs', async () => {
    const dana = await join('dana')
    const danaOtherTab = await join('dana')
    const eli = await join('eli')
    const fatima = await join('fatima')
    const overheard = recordChat(fatima)
    const atEli = nextChat(eli)
    const atOtherTab = nextChat(danaOtherTab)
    const ack = await send(dana, { to: { kind: 'direct', userId: ids.eli }, body: 'Got a sec?' })
    expect(ack).toMatchObject({
      ok: true,
      message: { kind: 'direct', threadKey: directThreadKey(ids.dana!, ids.eli!) },
    })
    if (!ack.ok) return
    expect(await atEli).toEqual(ack.message)
    expect(await atOtherTab).toEqual(ack.message)
    // a later space message reaches Fatima after anything sent before it would have
    const barrier = nextChat(fatima, (m) => m.body === 'barrier')
    await send(eli, { to: { kind: 'space' }, body: 'barrier' })
    await barrier
    expect(overheard.map((m) => m.body)).toEqual(['barrier'])
  })

  it('[2] history loads newest page first and pages backwards without skipping or repeating', async () => {
    const gus = await join('gus')
    const sent: string[] = []
    for (let i = 0; i < 7; i += 1) {
      const body = `page test ${i}`
      // two pairs share a timestamp: the id breaks the tie
      if (i !== 3 && i !== 5) t.clock.advance(1000)
      const ack = await emitAck(gus, 'chat:send', {
        to: { kind: 'direct', userId: ids.fatima },
        body,
      })
      expect(ack.ok).toBe(true)
      sent.push(body)
    }
    const key = directThreadKey(ids.gus!, ids.fatima!)
    const first = await history('fatima', key, '?limit=3')
    expect(first.status).toBe(200)
    const seen = [...first.body.messages]
    let cursor = first.body.nextCursor
    expect(cursor).not.toBeNull()
    let pages = 1
    while (cursor) {
      const page = await history('fatima', key, `?limit=3&before=${encodeURIComponent(cursor)}`)
      expect(page.status).toBe(200)
      expect(page.body.messages.length).toBeLessThanOrEqual(3)
      seen.unshift(...page.body.messages)
      cursor = page.body.nextCursor
      pages += 1
    }
    expect(pages).toBe(3)
    // within a page oldest first, pages newest first: together, the order they were written in
    const stamps = seen.map((m) => `${m.createdAt}_${m.id}`)
    expect([...stamps].sort()).toEqual(stamps)
    expect(new Set(seen.map((m) => m.id)).size).toBe(7)
    expect(seen.map((m) => m.body).sort()).toEqual([...sent].sort())
    expect(first.body.messages.map((m) => m.body)).toEqual(seen.slice(4).map((m) => m.body))
    // the default page holds everything here, and says it reached the start
    const all = await history('gus', key)
    expect(all.body.messages).toHaveLength(7)
    expect(all.body.nextCursor).toBeNull()
  })

  it('[2] counts unread messages per thread and clears them when the thread is read', async () => {
    const danaTab = await join('dana')
    const danaOtherTab = await join('dana')
    const eli = await join('eli')
    expect(await emitAck(danaTab, 'chat:read', { threadKey: 'space' })).toEqual({
      ok: true,
      threadKey: 'space',
    })
    for (const body of ['one', 'two', 'three']) {
      expect((await send(eli, { to: { kind: 'space' }, body })).ok).toBe(true)
    }
    expect((await send(eli, { to: { kind: 'direct', userId: ids.dana }, body: 'dm' })).ok).toBe(
      true,
    )
    // Dana's own message is not unread to her
    expect((await send(danaTab, { to: { kind: 'direct', userId: ids.gus }, body: 'hi' })).ok).toBe(
      true,
    )
    const threads = await get<ChatThreadsResponse>('dana', `/api/spaces/${t.spaceId}/chat/threads`)
    expect(threads.status).toBe(200)
    const byKey = new Map(threads.body.threads.map((th) => [th.threadKey, th]))
    expect(threads.body.threads[0]?.threadKey).toBe('space')
    expect(byKey.get('space')).toMatchObject({ unread: 3, lastMessage: { body: 'three' } })
    const withEli = byKey.get(directThreadKey(ids.dana!, ids.eli!))
    expect(withEli).toMatchObject({ kind: 'direct', otherUserId: ids.eli, unread: 1 })
    expect(byKey.get(directThreadKey(ids.dana!, ids.gus!))).toMatchObject({ unread: 0 })
    // a thread between two others is not listed
    expect(byKey.has(directThreadKey(ids.gus!, ids.fatima!))).toBe(false)

    const otherTabHears = new Promise<{ threadKey: string }>((resolve) =>
      danaOtherTab.once('chat:thread-read', resolve),
    )
    expect(await emitAck(danaTab, 'chat:read', { threadKey: 'space' })).toMatchObject({ ok: true })
    expect(await otherTabHears).toEqual({ threadKey: 'space' })
    const after = await get<ChatThreadsResponse>('dana', `/api/spaces/${t.spaceId}/chat/threads`)
    const again = new Map(after.body.threads.map((th) => [th.threadKey, th]))
    expect(again.get('space')?.unread).toBe(0)
    expect(again.get(directThreadKey(ids.dana!, ids.eli!))?.unread).toBe(1)
    // Eli's count of the space channel is his own
    const eliThreads = await get<ChatThreadsResponse>(
      'eli',
      `/api/spaces/${t.spaceId}/chat/threads`,
    )
    expect(eliThreads.body.threads.find((th) => th.threadKey === 'space')?.unread).toBe(0)
  })

  it('[2] stores @user and @group mentions, resolved to ids of this space', async () => {
    const max = await join('manager')
    const [tier1] = await t.database.db.select().from(groups).where(eq(groups.handle, 'tier1'))
    const ack = await send(max, {
      to: { kind: 'space' },
      body: '@tier1 and @dana.reyes: queue is long',
      mentions: { userIds: [ids.dana, ids.dana], groupIds: [tier1!.id] },
    })
    expect(ack).toMatchObject({
      ok: true,
      message: { mentions: { userIds: [ids.dana], groupIds: [tier1!.id] } },
    })
    if (!ack.ok) return
    const [row] = await t.database.db
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.id, ack.message.id))
    expect(row?.mentions).toEqual({ userIds: [ids.dana], groupIds: [tier1!.id] })
  })

  it('refuses malformed, oversized, unknown-recipient and other-space sends with an error ack, stores and broadcasts nothing', async () => {
    const dana = await join('dana')
    const eli = await join('eli')
    const heard = recordChat(eli)
    const [foreignGroup] = await t.database.db
      .insert(groups)
      .values({ spaceId: t.otherSpace.spaceId, name: 'Elsewhere', handle: 'elsewhere' })
      .returning()
    const before = (await t.database.db.select({ id: chatMessages.id }).from(chatMessages)).length
    const tooMany = Array.from({ length: 21 }, () => ids.eli)
    const cases: Array<[unknown, string, string | undefined]> = [
      [null, 'VALIDATION', undefined],
      ['hello', 'VALIDATION', undefined],
      [{ to: { kind: 'space' } }, 'VALIDATION', 'body'],
      [{ to: { kind: 'space' }, body: 42 }, 'VALIDATION', 'body'],
      [{ to: { kind: 'space' }, body: '' }, 'VALIDATION', 'body'],
      [{ to: { kind: 'space' }, body: '   \n ' }, 'VALIDATION', 'body'],
      [{ to: { kind: 'space' }, body: 'x', extra: 1 }, 'VALIDATION', undefined],
      [{ to: { kind: 'room' }, body: 'x' }, 'VALIDATION', 'to'],
      [{ to: { kind: 'direct', userId: 'not-a-uuid' }, body: 'x' }, 'VALIDATION', 'to'],
      [{ to: { kind: 'space' }, body: 'x'.repeat(CHAT_BODY_MAX + 1) }, 'VALIDATION', 'body'],
      [{ to: { kind: 'space' }, body: '👋🏽'.repeat(CHAT_BODY_MAX + 1) }, 'VALIDATION', 'body'],
      [
        { to: { kind: 'space' }, body: 'x', mentions: { userIds: tooMany, groupIds: [] } },
        'VALIDATION',
        'mentions.userIds',
      ],
      [
        { to: { kind: 'space' }, body: 'x', mentions: { userIds: ['nope'], groupIds: [] } },
        'VALIDATION',
        'mentions.userIds.0',
      ],
      [
        { to: { kind: 'direct', userId: '00000000-0000-4000-8000-000000000000' }, body: 'x' },
        'NOT_FOUND',
        'to.userId',
      ],
      [{ to: { kind: 'direct', userId: ids.outsider }, body: 'x' }, 'NOT_FOUND', 'to.userId'],
      [{ to: { kind: 'direct', userId: ids.dana }, body: 'x' }, 'VALIDATION', 'to.userId'],
      [
        { to: { kind: 'space' }, body: 'x', mentions: { userIds: [ids.outsider], groupIds: [] } },
        'NOT_FOUND',
        'mentions.userIds.0',
      ],
      [
        {
          to: { kind: 'space' },
          body: 'x',
          mentions: { userIds: [], groupIds: [foreignGroup!.id] },
        },
        'NOT_FOUND',
        'mentions.groupIds.0',
      ],
    ]
    for (const [payload, code, field] of cases) {
      const ack = await send(dana, payload)
      const label = JSON.stringify(payload).slice(0, 120)
      expect(ack.ok, label).toBe(false)
      if (ack.ok) continue
      expect(ack.error.code, label).toBe(code)
      if (field) expect(ack.error.field, label).toBe(field)
    }
    const after = (await t.database.db.select({ id: chatMessages.id }).from(chatMessages)).length
    expect(after).toBe(before)

    // exactly the limit is fine, and kept whole: counted in characters as a person sees them
    const longest = '👋🏽'.repeat(CHAT_BODY_MAX)
    const arrives = nextChat(eli)
    const ok = await send(dana, { to: { kind: 'space' }, body: longest })
    expect(ok.ok).toBe(true)
    expect((await arrives).body).toBe(longest)
    expect(heard).toHaveLength(1)
  })

  it('refuses to mark a thread read that is not yours', async () => {
    const fatima = await join('fatima')
    const ack = await emitAck(fatima, 'chat:read', {
      threadKey: directThreadKey(ids.dana!, ids.eli!),
    })
    expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    const bad = await emitAck(fatima, 'chat:read', { threadKey: 'general' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'threadKey' } })
  })

  describe('[1] history over REST is for members, and a direct thread for its two people', () => {
    it('answers 404 to someone who is not a member of the space', async () => {
      const threads = await get('outsider', `/api/spaces/${t.spaceId}/chat/threads`)
      expect(threads.status).toBe(404)
      expect(threads.body).toMatchObject({ error: { code: 'NOT_FOUND' } })
      expect((await history('outsider', 'space')).status).toBe(404)
    })

    it("answers 404 for another space's id", async () => {
      const res = await get('dana', `/api/spaces/${t.otherSpace.spaceId}/chat/threads`)
      expect(res.status).toBe(404)
      const msgs = await get(
        'dana',
        `/api/spaces/${t.otherSpace.spaceId}/chat/threads/space/messages`,
      )
      expect(msgs.status).toBe(404)
    })

    it('answers 404 to a member who is not one of the two people of a direct thread', async () => {
      const key = directThreadKey(ids.dana!, ids.eli!)
      const res = await history('fatima', key)
      expect(res.status).toBe(404)
      expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND' } })
      expect((await history('dana', key)).status).toBe(200)
      // the same two ids the other way round name no thread at all
      const [a, b] = key.split(':')
      expect((await history('dana', `${b}:${a}`)).status).toBe(404)
    })

    it('refuses malformed keys, cursors and limits with 400', async () => {
      expect((await history('dana', 'general')).status).toBe(400)
      expect((await history('dana', 'space', '?limit=0')).status).toBe(400)
      expect((await history('dana', 'space', '?limit=101')).status).toBe(400)
      expect((await history('dana', 'space', '?before=yesterday')).status).toBe(400)
      // shaped like a cursor, but no instant: named, not a database error
      for (const at of ['2024-13-45T99:99:99.999Z', '2024-02-30T10:00:00.000Z']) {
        const res = await history(
          'dana',
          'space',
          `?before=${encodeURIComponent(`${at}_00000000-0000-4000-8000-000000000000`)}`,
        )
        expect(res.status, at).toBe(400)
        expect(res.body).toMatchObject({ error: { code: 'VALIDATION', field: 'before' } })
      }
      expect((await history('dana', 'space', '?sort=asc')).status).toBe(400)
    })

    it('answers 401 without a session', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}/chat/threads`,
      })
      expect(res.statusCode).toBe(401)
    })
  })
})
