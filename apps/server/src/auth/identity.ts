import type { ApiTokenDto, MemberRole, UserDto } from '@flare/protocol'
import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { apiTokens, memberships, sessions, users } from '../db/schema.js'
import { unauthenticated } from '../errors.js'
import { verifyPassword } from './passwords.js'
import { generateSecret, hashSecret } from './secrets.js'

export const SESSION_COOKIE = 'flare_session'
export const API_TOKEN_PREFIX = 'flr_'

export type Clock = () => Date

/** Who is making a request, and how they proved it. */
export interface Identity {
  userId: string
  via: 'session' | 'token'
  /** The session's id (hash), so logout can end exactly this session. */
  sessionId: string | null
  /** The API token's id, so revoking it can close what it opened. */
  tokenId: string | null
  /** When the session ends by itself, so connections resting on it close then; null for tokens. */
  expiresAt: Date | null
}

type UserRow = typeof users.$inferSelect

export function toUserDto(row: UserRow): UserDto {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    phone: row.phone,
    preferences: row.preferences,
    pictureUrl: pictureUrlOf(row.id, row.pictureVersion),
  }
}

/**
 * Where a user's profile picture is served, with its version in the URL so a new picture is
 * never answered from a cache; null when they have none (SPEC §2.6).
 */
export function pictureUrlOf(userId: string, version: string | null): string | null {
  return version ? `/api/users/${userId}/picture?v=${version}` : null
}

/**
 * The one form of an email address that accounts are stored, looked up and rate-limited by:
 * surrounding white space gone, lower case, Unicode NFC (so a composed and a decomposed "é"
 * are one address). Every place that reads or writes `users.email` goes through it.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase().normalize('NFC')
}

/** Email and password in, a new session out, or null when either is wrong. */
export async function logIn(
  db: Db,
  clock: Clock,
  ttlMs: number,
  email: string,
  password: string,
): Promise<{ user: UserRow; sessionToken: string; expiresAt: Date } | null> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
  const ok = await verifyPassword(user?.passwordHash ?? null, password)
  if (!user || !ok) return null
  const sessionToken = generateSecret()
  const expiresAt = new Date(clock().getTime() + ttlMs)
  await db.insert(sessions).values({ id: hashSecret(sessionToken), userId: user.id, expiresAt })
  return { user, sessionToken, expiresAt }
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId))
}

type SessionRow = typeof sessions.$inferSelect

/** Sessions by id (the token's hash), many at once: a join storm's handshakes share a query. */
export async function findSessions(db: Db, ids: string[]): Promise<Map<string, SessionRow>> {
  if (ids.length === 0) return new Map()
  const rows = await db.select().from(sessions).where(inArray(sessions.id, ids))
  return new Map(rows.map((r) => [r.id, r]))
}

/**
 * The identity behind a session cookie's token; throws 401 with the reason when there is none.
 * `find` looks the session up (by default alone; the auth plugin batches it).
 */
export async function identifyBySession(
  db: Db,
  clock: Clock,
  token: string,
  find: (id: string) => Promise<SessionRow | undefined> = async (id) =>
    (await findSessions(db, [id])).get(id),
): Promise<Identity> {
  const id = hashSecret(token)
  return sessionIdentity(db, clock, id, await find(id))
}

/** The identity a session row proves, or 401 when it is gone or expired (then it is removed). */
async function sessionIdentity(
  db: Db,
  clock: Clock,
  id: string,
  row: SessionRow | undefined,
): Promise<Identity> {
  if (!row) throw unauthenticated('Your session has ended. Log in again.')
  if (row.expiresAt.getTime() <= clock().getTime()) {
    await endSession(db, id)
    throw unauthenticated('Your session has expired. Log in again.')
  }
  return {
    userId: row.userId,
    via: 'session',
    sessionId: id,
    tokenId: null,
    expiresAt: row.expiresAt,
  }
}

/** A session as a Socket.IO handshake needs it: with the user's name and role in one space. */
export interface SessionInSpace {
  session: SessionRow
  displayName: string
  /** The role in the space asked for; null when the user is not a member of it. */
  role: MemberRole | null
}

/** The key `findSessionsInSpaces` answers by: a session id (the token's hash) and a space. */
export function sessionInSpaceKey(sessionId: string, spaceId: string): string {
  return `${sessionId}/${spaceId}`
}

/**
 * Sessions with their user's name and membership in a space, for a whole batch of handshakes
 * in one query: the primary keys of sessions and users and the memberships' (space, user) key.
 */
export async function findSessionsInSpaces(
  db: Db,
  keys: readonly string[],
): Promise<Map<string, SessionInSpace>> {
  const found = new Map<string, SessionInSpace>()
  const pairs = keys.flatMap((key) => {
    const [sessionId, spaceId] = key.split('/')
    return sessionId && spaceId ? [{ key, sessionId, spaceId }] : []
  })
  if (pairs.length === 0) return found
  const rows = await db
    .select({
      session: sessions,
      displayName: users.displayName,
      spaceId: memberships.spaceId,
      role: memberships.role,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(
      memberships,
      and(
        eq(memberships.userId, sessions.userId),
        inArray(memberships.spaceId, [...new Set(pairs.map((p) => p.spaceId))]),
      ),
    )
    .where(inArray(sessions.id, [...new Set(pairs.map((p) => p.sessionId))]))
  const bySession = new Map<string, typeof rows>()
  for (const row of rows)
    bySession.set(row.session.id, [...(bySession.get(row.session.id) ?? []), row])
  for (const { key, sessionId, spaceId } of pairs) {
    const mine = bySession.get(sessionId) ?? []
    const [any] = mine
    if (!any) continue
    const inSpace = mine.find((r) => r.spaceId === spaceId)
    found.set(key, {
      session: any.session,
      displayName: any.displayName,
      role: inSpace?.role ?? null,
    })
  }
  return found
}

/**
 * The identity behind a session cookie's token and the user's membership in one space, from
 * one lookup (`find`, which the auth plugin batches across a join storm's handshakes).
 */
export async function identifySessionInSpace(
  db: Db,
  clock: Clock,
  token: string,
  spaceId: string,
  find: (key: string) => Promise<SessionInSpace | undefined>,
): Promise<{ identity: Identity; displayName: string; role: MemberRole | null }> {
  const id = hashSecret(token)
  const found = await find(sessionInSpaceKey(id, spaceId))
  const identity = await sessionIdentity(db, clock, id, found?.session)
  return { identity, displayName: found?.displayName ?? '', role: found?.role ?? null }
}

/** The identity behind a personal API token; throws 401 when unknown or revoked. */
export async function identifyByToken(db: Db, clock: Clock, token: string): Promise<Identity> {
  if (!token.startsWith(API_TOKEN_PREFIX)) throw unauthenticated('That is not a Flare API token.')
  const [row] = await db
    .select({ id: apiTokens.id, userId: apiTokens.userId, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashSecret(token)))
  if (!row) throw unauthenticated('Unknown API token.')
  if (row.revokedAt) throw unauthenticated('This API token has been revoked.')
  await db.update(apiTokens).set({ lastUsedAt: clock() }).where(eq(apiTokens.id, row.id))
  return { userId: row.userId, via: 'token', sessionId: null, tokenId: row.id, expiresAt: null }
}

export async function findUser(db: Db, userId: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, userId))
  return row ?? null
}

function toTokenDto(row: typeof apiTokens.$inferSelect): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt ? row.lastUsedAt.toISOString() : null,
  }
}

export async function createApiToken(
  db: Db,
  userId: string,
  name: string,
): Promise<{ token: ApiTokenDto; secret: string }> {
  const secret = generateSecret(API_TOKEN_PREFIX)
  const [row] = await db
    .insert(apiTokens)
    .values({ userId, name, tokenHash: hashSecret(secret), prefix: secret.slice(0, 10) })
    .returning()
  if (!row) throw new Error('insert returned no row')
  return { token: toTokenDto(row), secret }
}

export async function listApiTokens(db: Db, userId: string): Promise<ApiTokenDto[]> {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(apiTokens.createdAt)
  return rows.map(toTokenDto)
}

/** Revokes one of the user's own tokens; false when they have no such live token. */
export async function revokeApiToken(
  db: Db,
  clock: Clock,
  userId: string,
  tokenId: string,
): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: clock() })
    .where(
      and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)),
    )
    .returning({ id: apiTokens.id })
  return rows.length > 0
}
