import type { GroupDto, MemberRole, RoomDto, SpaceDto, SpaceMemberDto } from '@flare/protocol'
import { and, asc, eq, inArray, or } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { groupMembers, groups, meetingRooms, memberships, spaces, users } from '../db/schema.js'

export interface Membership {
  spaceId: string
  userId: string
  role: MemberRole
}

export async function findMembership(
  db: Db,
  spaceId: string,
  userId: string,
): Promise<Membership | null> {
  const [row] = await db
    .select({ spaceId: memberships.spaceId, userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.spaceId, spaceId), eq(memberships.userId, userId)))
  return row ?? null
}

export type SpaceMember = Membership & { displayName: string }

/** The key `findSpaceMembers` answers by: a space and a user. */
export function spaceMemberKey(spaceId: string, userId: string): string {
  return `${spaceId}/${userId}`
}

/**
 * Members of spaces with the name others see, by `spaceMemberKey`: the socket handshake's one
 * indexed lookup, asked for a whole batch of connections at once.
 */
export async function findSpaceMembers(
  db: Db,
  keys: readonly string[],
): Promise<Map<string, SpaceMember>> {
  const bySpace = new Map<string, string[]>()
  for (const key of keys) {
    const [spaceId, userId] = key.split('/')
    if (!spaceId || !userId) continue
    bySpace.set(spaceId, [...(bySpace.get(spaceId) ?? []), userId])
  }
  const found = new Map<string, SpaceMember>()
  if (bySpace.size === 0) return found
  const rows = await db
    .select({
      spaceId: memberships.spaceId,
      userId: memberships.userId,
      role: memberships.role,
      displayName: users.displayName,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      or(
        ...[...bySpace].map(([spaceId, userIds]) =>
          and(eq(memberships.spaceId, spaceId), inArray(memberships.userId, userIds)),
        ),
      ),
    )
  for (const row of rows) found.set(spaceMemberKey(row.spaceId, row.userId), row)
  return found
}

export async function listSpacesOf(
  db: Db,
  userId: string,
): Promise<Array<{ id: string; name: string; role: MemberRole }>> {
  return db
    .select({ id: spaces.id, name: spaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(spaces, eq(spaces.id, memberships.spaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(spaces.name))
}

export async function findSpace(db: Db, spaceId: string): Promise<SpaceDto | null> {
  const [row] = await db
    .select({
      id: spaces.id,
      name: spaces.name,
      mapWidth: spaces.mapWidth,
      mapHeight: spaces.mapHeight,
      timezone: spaces.timezone,
    })
    .from(spaces)
    .where(eq(spaces.id, spaceId))
  return row ?? null
}

export async function listRooms(db: Db, spaceId: string): Promise<RoomDto[]> {
  return db
    .select({
      id: meetingRooms.id,
      name: meetingRooms.name,
      x: meetingRooms.x,
      y: meetingRooms.y,
      width: meetingRooms.width,
      height: meetingRooms.height,
    })
    .from(meetingRooms)
    .where(eq(meetingRooms.spaceId, spaceId))
    .orderBy(asc(meetingRooms.name))
}

export async function listMembers(db: Db, spaceId: string): Promise<SpaceMemberDto[]> {
  return db
    .select({
      userId: memberships.userId,
      displayName: users.displayName,
      role: memberships.role,
      managerUserId: memberships.managerUserId,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.spaceId, spaceId))
    .orderBy(asc(users.displayName))
}

export async function listGroups(db: Db, spaceId: string): Promise<GroupDto[]> {
  const rows = await db
    .select({ id: groups.id, name: groups.name, handle: groups.handle })
    .from(groups)
    .where(eq(groups.spaceId, spaceId))
    .orderBy(asc(groups.handle))
  if (rows.length === 0) return []
  const links = await db
    .select({ groupId: groupMembers.groupId, userId: groupMembers.userId })
    .from(groupMembers)
    .where(
      inArray(
        groupMembers.groupId,
        rows.map((r) => r.id),
      ),
    )
  return rows.map((g) => ({
    ...g,
    memberIds: links.filter((l) => l.groupId === g.id).map((l) => l.userId),
  }))
}

/** Which of these user ids are members of the space (inside a transaction or not). */
export async function membersAmong(
  db: Pick<Db, 'select'>,
  spaceId: string,
  userIds: string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set()
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.spaceId, spaceId), inArray(memberships.userId, userIds)))
  return new Set(rows.map((r) => r.userId))
}
