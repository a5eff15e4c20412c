import type { GroupDto, MemberRole, RoomDto, SpaceDto, SpaceMemberDto } from '@flare/protocol'
import { and, asc, eq, inArray, ne, or } from 'drizzle-orm'
import { pictureUrlOf } from '../auth/identity.js'
import type { Db } from '../db/database.js'
import {
  groupMembers,
  groups,
  inboxAdmins,
  inboxes,
  meetingRooms,
  memberships,
  spaces,
  users,
} from '../db/schema.js'

export interface Membership {
  spaceId: string
  userId: string
  role: MemberRole
}

export async function findMembership(
  db: Pick<Db, 'select'>,
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

export async function listMembers(
  db: Pick<Db, 'select'>,
  spaceId: string,
): Promise<SpaceMemberDto[]> {
  const rows = await db
    .select({
      userId: memberships.userId,
      displayName: users.displayName,
      role: memberships.role,
      managerUserId: memberships.managerUserId,
      pictureVersion: users.pictureVersion,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.spaceId, spaceId))
    .orderBy(asc(users.displayName))
  return rows.map(({ pictureVersion, ...member }) => ({
    ...member,
    pictureUrl: pictureUrlOf(member.userId, pictureVersion),
  }))
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

/** Why a membership change was refused: there is no such member, or it would leave no admin. */
export type MembershipChangeRefusal = 'not_member' | 'last_admin'

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

/**
 * Locks the space's admin memberships for the rest of the transaction and says whether anyone
 * but `userId` is an admin: two admins demoting each other at once cannot leave none.
 */
async function otherAdminExists(tx: Tx, spaceId: string, userId: string): Promise<boolean> {
  const admins = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.spaceId, spaceId), eq(memberships.role, 'admin')))
    .for('update')
  return admins.some((a) => a.userId !== userId)
}

/** Changes a member's role; a space always keeps at least one admin. */
export async function changeRole(
  db: Db,
  spaceId: string,
  userId: string,
  role: MemberRole,
): Promise<SpaceMemberDto | MembershipChangeRefusal> {
  return db.transaction(async (tx) => {
    const current = await findMembership(tx, spaceId, userId)
    if (!current) return 'not_member'
    if (current.role === 'admin' && role !== 'admin') {
      if (!(await otherAdminExists(tx, spaceId, userId))) return 'last_admin'
    }
    await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.spaceId, spaceId), eq(memberships.userId, userId)))
    const [member] = (await listMembers(tx, spaceId)).filter((m) => m.userId === userId)
    return member ?? 'not_member'
  })
}

/**
 * Removes a member from a space with what made them part of it: their groups and inbox admin
 * rights there, and being someone's manager there. A space always keeps at least one admin.
 */
export async function removeMember(
  db: Db,
  spaceId: string,
  userId: string,
): Promise<true | MembershipChangeRefusal> {
  return db.transaction(async (tx) => {
    const current = await findMembership(tx, spaceId, userId)
    if (!current) return 'not_member'
    if (current.role === 'admin' && !(await otherAdminExists(tx, spaceId, userId))) {
      return 'last_admin'
    }
    const spaceGroups = tx.select({ id: groups.id }).from(groups).where(eq(groups.spaceId, spaceId))
    await tx
      .delete(groupMembers)
      .where(and(eq(groupMembers.userId, userId), inArray(groupMembers.groupId, spaceGroups)))
    const spaceInboxes = tx
      .select({ id: inboxes.id })
      .from(inboxes)
      .where(eq(inboxes.spaceId, spaceId))
    await tx
      .delete(inboxAdmins)
      .where(and(eq(inboxAdmins.userId, userId), inArray(inboxAdmins.inboxId, spaceInboxes)))
    await tx
      .update(memberships)
      .set({ managerUserId: null })
      .where(
        and(
          eq(memberships.spaceId, spaceId),
          eq(memberships.managerUserId, userId),
          ne(memberships.userId, userId),
        ),
      )
    await tx
      .delete(memberships)
      .where(and(eq(memberships.spaceId, spaceId), eq(memberships.userId, userId)))
    return true
  })
}
