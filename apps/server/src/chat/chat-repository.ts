import { type ChatMentions, type ChatMessageDto, chatCursor, SPACE_THREAD } from '@flare/protocol'
import { and, desc, eq, inArray, like, or, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { chatMessages, chatReads, groups, memberships, users } from '../db/schema.js'

const messageColumns = {
  id: chatMessages.id,
  spaceId: chatMessages.spaceId,
  threadKey: chatMessages.threadKey,
  kind: chatMessages.kind,
  authorId: chatMessages.authorId,
  authorName: users.displayName,
  body: chatMessages.body,
  mentions: chatMessages.mentions,
  createdAt: chatMessages.createdAt,
}

function toDto(row: Omit<ChatMessageDto, 'createdAt'> & { createdAt: Date }): ChatMessageDto {
  return { ...row, createdAt: row.createdAt.toISOString() }
}

export interface NewMessage {
  spaceId: string
  authorId: string
  authorName: string
  kind: 'space' | 'direct'
  threadKey: string
  body: string
  mentions: ChatMentions
  createdAt: Date
}

/**
 * Stores a message and moves the author's read mark to it: whoever writes has seen the thread.
 */
export async function insertMessage(db: Db, message: NewMessage): Promise<ChatMessageDto> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(chatMessages)
      .values({
        spaceId: message.spaceId,
        authorId: message.authorId,
        kind: message.kind,
        threadKey: message.threadKey,
        body: message.body,
        mentions: message.mentions,
        createdAt: message.createdAt,
      })
      .returning()
    if (!row) throw new Error('chat message was not stored')
    await upsertRead(tx as unknown as Db, message.spaceId, message.authorId, message.threadKey, {
      at: row.createdAt,
    })
    return toDto({
      id: row.id,
      spaceId: row.spaceId,
      threadKey: row.threadKey,
      kind: row.kind,
      authorId: row.authorId,
      authorName: message.authorName,
      body: row.body,
      mentions: row.mentions,
      createdAt: row.createdAt,
    })
  })
}

/** The ids among `userIds` that are not members of the space. */
export async function nonMembers(db: Db, spaceId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return []
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.spaceId, spaceId), inArray(memberships.userId, userIds)))
  const found = new Set(rows.map((r) => r.userId))
  return userIds.filter((id) => !found.has(id))
}

/** The ids among `groupIds` that are not groups of the space. */
export async function foreignGroups(
  db: Db,
  spaceId: string,
  groupIds: string[],
): Promise<string[]> {
  if (groupIds.length === 0) return []
  const rows = await db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.spaceId, spaceId), inArray(groups.id, groupIds)))
  const found = new Set(rows.map((r) => r.id))
  return groupIds.filter((id) => !found.has(id))
}

/**
 * One page of a thread, newest page first: the `limit` messages just before `before` (or the
 * latest ones), returned oldest first, with the cursor of the page before it.
 */
export async function listMessages(
  db: Db,
  spaceId: string,
  threadKey: string,
  options: { before: { createdAt: string; id: string } | null; limit: number },
): Promise<{ messages: ChatMessageDto[]; nextCursor: string | null }> {
  const conditions: SQL[] = [
    eq(chatMessages.spaceId, spaceId),
    eq(chatMessages.threadKey, threadKey),
  ]
  if (options.before) {
    // (createdAt, id) orders every message, so pages neither skip nor repeat one on a tie
    conditions.push(
      sql`(${chatMessages.createdAt}, ${chatMessages.id}) < (${options.before.createdAt}::timestamptz, ${options.before.id}::uuid)`,
    )
  }
  const rows = await db
    .select(messageColumns)
    .from(chatMessages)
    .innerJoin(users, eq(users.id, chatMessages.authorId))
    .where(and(...conditions))
    .orderBy(desc(chatMessages.createdAt), desc(chatMessages.id))
    .limit(options.limit + 1)
  const page = rows.slice(0, options.limit).reverse().map(toDto)
  const oldest = page[0]
  return {
    messages: page,
    nextCursor: rows.length > options.limit && oldest ? chatCursor(oldest) : null,
  }
}

/** The direct threads a member takes part in: their id is one half of the key. */
function threadsOf(spaceId: string, userId: string): SQL {
  return and(
    eq(chatMessages.spaceId, spaceId),
    or(
      eq(chatMessages.threadKey, SPACE_THREAD),
      like(chatMessages.threadKey, `${userId}:%`),
      like(chatMessages.threadKey, `%:${userId}`),
    ),
  ) as SQL
}

export interface ThreadSummary {
  threadKey: string
  unread: number
  lastMessage: ChatMessageDto
}

/**
 * Every thread with at least one message that the member can see, with their unread count
 * (messages by others after their read mark) and the latest message.
 */
export async function listThreads(
  db: Db,
  spaceId: string,
  userId: string,
): Promise<ThreadSummary[]> {
  const counts = await db
    .select({
      threadKey: chatMessages.threadKey,
      unread: sql<number>`(count(*) filter (where ${chatMessages.authorId} <> ${userId} and (${chatReads.lastReadAt} is null or ${chatMessages.createdAt} > ${chatReads.lastReadAt})))::int`,
    })
    .from(chatMessages)
    .leftJoin(
      chatReads,
      and(
        eq(chatReads.spaceId, chatMessages.spaceId),
        eq(chatReads.userId, userId),
        eq(chatReads.threadKey, chatMessages.threadKey),
      ),
    )
    .where(threadsOf(spaceId, userId))
    .groupBy(chatMessages.threadKey)
  if (counts.length === 0) return []
  const latest = await db
    .selectDistinctOn([chatMessages.threadKey], messageColumns)
    .from(chatMessages)
    .innerJoin(users, eq(users.id, chatMessages.authorId))
    .where(threadsOf(spaceId, userId))
    .orderBy(chatMessages.threadKey, desc(chatMessages.createdAt), desc(chatMessages.id))
  const last = new Map(latest.map((row) => [row.threadKey, toDto(row)]))
  return counts.flatMap((c) => {
    const lastMessage = last.get(c.threadKey)
    return lastMessage ? [{ threadKey: c.threadKey, unread: c.unread, lastMessage }] : []
  })
}

/** Marks a thread read up to its latest message (never backwards). */
export async function markRead(
  db: Db,
  spaceId: string,
  userId: string,
  threadKey: string,
): Promise<void> {
  const [latest] = await db
    .select({ createdAt: chatMessages.createdAt })
    .from(chatMessages)
    .where(and(eq(chatMessages.spaceId, spaceId), eq(chatMessages.threadKey, threadKey)))
    .orderBy(desc(chatMessages.createdAt))
    .limit(1)
  if (!latest) return
  await upsertRead(db, spaceId, userId, threadKey, { at: latest.createdAt })
}

async function upsertRead(
  db: Db,
  spaceId: string,
  userId: string,
  threadKey: string,
  { at }: { at: Date },
): Promise<void> {
  await db
    .insert(chatReads)
    .values({ spaceId, userId, threadKey, lastReadAt: at })
    .onConflictDoUpdate({
      target: [chatReads.spaceId, chatReads.userId, chatReads.threadKey],
      set: { lastReadAt: sql`greatest(${chatReads.lastReadAt}, excluded.last_read_at)` },
    })
}
