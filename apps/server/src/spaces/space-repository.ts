import type {
  GroupCreate,
  GroupDto,
  GroupUpdate,
  MemberRole,
  RoomDto,
  SpaceDto,
  SpaceMemberDto,
} from '@flare/protocol'
import { and, asc, eq, inArray, max, ne, or, sql } from 'drizzle-orm'
import { normaliseEmail, pictureUrlOf } from '../auth/identity.js'
import { type AuditEntry, writeAuditEntry } from '../db/audit-log.js'
import type { Db } from '../db/database.js'
import {
  escalationRules,
  groupMembers,
  groups,
  inboxAdmins,
  inboxes,
  meetingRooms,
  memberships,
  rotations,
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

/**
 * Counts one more change to the space's members or groups, in the transaction that makes it
 * (SPEC §1.5.5): snapshots carry the count, and a page whose count is older reads the space again.
 */
export async function countDirectoryChange(tx: Db | Tx, spaceId: string): Promise<void> {
  await tx
    .update(spaces)
    .set({ directoryVersion: sql`${spaces.directoryVersion} + 1` })
    .where(eq(spaces.id, spaceId))
}

/**
 * Records a change to the space's members or groups in the transaction that makes it: its
 * audit entry, and one more in the space's count of such changes (`countDirectoryChange`), so
 * the two never part.
 */
async function recordDirectoryChange(
  tx: Tx,
  entry: AuditEntry & { kind: 'member' | 'group' },
): Promise<void> {
  await countDirectoryChange(tx, entry.spaceId)
  await writeAuditEntry(tx, entry)
}

/** How many changes the space's members and groups have had (`countDirectoryChange`). */
export async function directoryVersionOf(db: Db, spaceId: string): Promise<number> {
  const [row] = await db
    .select({ version: spaces.directoryVersion })
    .from(spaces)
    .where(eq(spaces.id, spaceId))
  return row?.version ?? 0
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
  return selectMembers(db, spaceId)
}

/** One member as the space's member list shows them, or null when they are not a member. */
export async function findMemberDto(
  db: Pick<Db, 'select'>,
  spaceId: string,
  userId: string,
): Promise<SpaceMemberDto | null> {
  const [member] = await selectMembers(db, spaceId, userId)
  return member ?? null
}

async function selectMembers(
  db: Pick<Db, 'select'>,
  spaceId: string,
  onlyUserId?: string,
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
    .where(
      and(
        eq(memberships.spaceId, spaceId),
        onlyUserId === undefined ? undefined : eq(memberships.userId, onlyUserId),
      ),
    )
    .orderBy(asc(users.displayName))
  return rows.map(({ pictureVersion, ...member }) => ({
    ...member,
    pictureUrl: pictureUrlOf(member.userId, pictureVersion),
  }))
}

export async function listGroups(db: Pick<Db, 'select'>, spaceId: string): Promise<GroupDto[]> {
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

/** Who makes an admin change and when, for the audit log (SPEC §8.4.1). */
export interface Actor {
  userId: string
  at: Date
}

/** A member as the audit log keeps them: `name` is what the audit page labels the entry by. */
function memberAudit(member: SpaceMemberDto): { userId: string; name: string; role: MemberRole } {
  return { userId: member.userId, name: member.displayName, role: member.role }
}

/** Why a membership change was refused: there is no such member, or it would leave no admin. */
export type MembershipChangeRefusal = 'not_member' | 'last_admin'

/** Why removing a member was refused: as a role change, or rules send to them by name. */
export type MemberRemovalRefusal = MembershipChangeRefusal | { usedByRules: string[] }

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
  actor: Actor,
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
    const member = await findMemberDto(tx, spaceId, userId)
    if (!member) return 'not_member'
    if (current.role !== role) {
      await recordDirectoryChange(tx, {
        spaceId,
        actorUserId: actor.userId,
        action: 'update',
        kind: 'member',
        entityId: userId,
        before: memberAudit({ ...member, role: current.role }),
        after: memberAudit(member),
        at: actor.at,
      })
    }
    return member
  })
}

type RuleDefinition = (typeof escalationRules.$inferSelect)['definition']

/** The names of the space's rules whose target (or fallback target) `sendsTo` picks, oldest first. */
async function rulesSendingTo(
  tx: Tx,
  spaceId: string,
  sendsTo: (definition: RuleDefinition) => boolean,
): Promise<string[]> {
  const rules = await tx
    .select({ definition: escalationRules.definition })
    .from(escalationRules)
    .where(eq(escalationRules.spaceId, spaceId))
    .orderBy(asc(escalationRules.createdAt))
  return rules.filter((r) => sendsTo(r.definition)).map((r) => r.definition.name)
}

/**
 * Takes a member out of the space's on-call rotations, locked. Whoever was next stays next
 * (the turn moves back one when someone before it leaves); a rotation left empty sends to
 * nobody, as one created empty.
 */
async function leaveRotations(tx: Tx, spaceId: string, userId: string): Promise<void> {
  const rows = await tx
    .select()
    .from(rotations)
    .where(
      and(
        eq(rotations.spaceId, spaceId),
        sql`${rotations.memberIds} @> ${JSON.stringify([userId])}::jsonb`,
      ),
    )
    .for('update')
  for (const row of rows) {
    const memberIds = row.memberIds.filter((id) => id !== userId)
    const before = row.memberIds.slice(0, row.nextIndex).filter((id) => id === userId).length
    const next = memberIds.length === 0 ? 0 : (row.nextIndex - before) % memberIds.length
    await tx.update(rotations).set({ memberIds, nextIndex: next }).where(eq(rotations.id, row.id))
  }
}

/**
 * Removes a member from a space with what made them part of it: their groups, on-call
 * rotations and inbox admin rights there, and being someone's manager there. A space always
 * keeps at least one admin, and a rule that sends to the member by name must be changed first
 * (as for a group). Their hands and assigned tickets are the `member.removed` subscribers' to
 * end and free, after the commit.
 */
export async function removeMember(
  db: Db,
  spaceId: string,
  userId: string,
  actor: Actor,
): Promise<true | MemberRemovalRefusal> {
  return db.transaction(async (tx) => {
    const current = await findMemberDto(tx, spaceId, userId)
    if (!current) return 'not_member'
    if (current.role === 'admin' && !(await otherAdminExists(tx, spaceId, userId))) {
      return 'last_admin'
    }
    const naming = await rulesSendingTo(
      tx,
      spaceId,
      (d) => d.escalateToUserId === userId || d.fallback?.escalateToUserId === userId,
    )
    if (naming.length > 0) return { usedByRules: naming }
    await leaveRotations(tx, spaceId, userId)
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
    await recordDirectoryChange(tx, {
      spaceId,
      actorUserId: actor.userId,
      action: 'delete',
      kind: 'member',
      entityId: userId,
      before: memberAudit(current),
      after: null,
      at: actor.at,
    })
    return true
  })
}

/**
 * Why adding a member was refused: no account the admin may add has that email (none has it,
 * or it is another tenant's: the two are answered alike), or it is a member already.
 */
export type MemberAddRefusal = 'no_account' | 'already_member'

/**
 * Adds an existing account, found by its email in the normal form logins use, to the space.
 * Creates no account: whoever is added already has a password. An account already in other
 * spaces is added only by an admin who shares one of them with it (a colleague from another
 * team of theirs); another tenant's people are not an admin's to take, nor to find out about
 * (decision 0016). An account in no space yet is anyone's to add: that is how people join.
 */
export async function addMember(
  db: Db,
  spaceId: string,
  email: string,
  role: MemberRole,
  actor: Actor,
): Promise<SpaceMemberDto | MemberAddRefusal> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, normaliseEmail(email)))
    if (!user) return 'no_account'
    const theirs = await tx
      .select({ spaceId: memberships.spaceId })
      .from(memberships)
      .where(eq(memberships.userId, user.id))
    if (theirs.length > 0) {
      const [shared] = await tx
        .select({ spaceId: memberships.spaceId })
        .from(memberships)
        .where(
          and(
            eq(memberships.userId, actor.userId),
            inArray(
              memberships.spaceId,
              theirs.map((m) => m.spaceId),
            ),
          ),
        )
        .limit(1)
      if (!shared) return 'no_account'
    }
    // the primary key decides, not a read before it: two admins adding the same person at once
    // get one member and one 409
    const [added] = await tx
      .insert(memberships)
      .values({ spaceId, userId: user.id, role })
      .onConflictDoNothing()
      .returning({ userId: memberships.userId })
    if (!added) return 'already_member'
    const member = await findMemberDto(tx, spaceId, user.id)
    if (!member) throw new Error('the new membership vanished in its own transaction')
    await recordDirectoryChange(tx, {
      spaceId,
      actorUserId: actor.userId,
      action: 'create',
      kind: 'member',
      entityId: user.id,
      before: null,
      after: memberAudit(member),
      at: actor.at,
    })
    return member
  })
}

/**
 * Why a group change was refused: no such group; the handle is another group's; a member id
 * (at `index` of `memberIds`) is not a member of the space; rules (named) send to the group.
 */
export type GroupChangeRefusal =
  | { refusal: 'not_found' }
  | { refusal: 'handle_taken' }
  | { refusal: 'not_member'; index: number }
  | { refusal: 'used_by_rules'; rules: string[] }

async function findGroup(db: Tx, spaceId: string, groupId: string): Promise<GroupDto | null> {
  const [row] = await db
    .select({ id: groups.id, name: groups.name, handle: groups.handle })
    .from(groups)
    .where(and(eq(groups.id, groupId), eq(groups.spaceId, spaceId)))
  if (!row) return null
  const links = await db
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .where(eq(groupMembers.groupId, groupId))
  return { ...row, memberIds: links.map((l) => l.userId) }
}

/**
 * Locks the space's groups against other group writes for the rest of the transaction, so a
 * handle checked free and a number taken as the next one stay so until it commits. `NO KEY
 * UPDATE` leaves rows that reference the space (tickets, messages) free to be written.
 */
async function lockSpaceGroups(tx: Tx, spaceId: string): Promise<void> {
  await tx.select({ id: spaces.id }).from(spaces).where(eq(spaces.id, spaceId)).for('no key update')
}

async function checkGroupFields(
  tx: Tx,
  spaceId: string,
  fields: { handle?: string | undefined; memberIds?: string[] | undefined },
  groupId: string | null,
): Promise<GroupChangeRefusal | null> {
  if (fields.memberIds) {
    const members = await membersAmong(tx, spaceId, fields.memberIds)
    const index = fields.memberIds.findIndex((id) => !members.has(id))
    if (index >= 0) return { refusal: 'not_member', index }
  }
  if (fields.handle !== undefined) {
    const [holder] = await tx
      .select({ id: groups.id })
      .from(groups)
      .where(and(eq(groups.spaceId, spaceId), eq(groups.handle, fields.handle)))
    if (holder && holder.id !== groupId) return { refusal: 'handle_taken' }
  }
  return null
}

/**
 * Creates a group with the next team number of the space, which rules may name it by (seed
 * 004's `escalateToTeamId: 1`).
 */
export async function createGroup(
  db: Db,
  spaceId: string,
  input: GroupCreate,
  actor: Actor,
): Promise<GroupDto | GroupChangeRefusal> {
  return db.transaction(async (tx) => {
    await lockSpaceGroups(tx, spaceId)
    const refused = await checkGroupFields(tx, spaceId, input, null)
    if (refused) return refused
    const [{ last } = { last: null }] = await tx
      .select({ last: max(groups.number) })
      .from(groups)
      .where(eq(groups.spaceId, spaceId))
    const [row] = await tx
      .insert(groups)
      .values({ spaceId, name: input.name, handle: input.handle, number: (last ?? 0) + 1 })
      .returning({ id: groups.id })
    if (!row) throw new Error('group was not stored')
    if (input.memberIds.length > 0) {
      await tx
        .insert(groupMembers)
        .values(input.memberIds.map((userId) => ({ groupId: row.id, userId })))
    }
    const group: GroupDto = { id: row.id, ...input }
    await recordDirectoryChange(tx, {
      spaceId,
      actorUserId: actor.userId,
      action: 'create',
      kind: 'group',
      entityId: row.id,
      before: null,
      after: group,
      at: actor.at,
    })
    return group
  })
}

/** Renames a group, changes its handle or replaces its members; what is not given stays. */
export async function updateGroup(
  db: Db,
  spaceId: string,
  groupId: string,
  patch: GroupUpdate,
  actor: Actor,
): Promise<GroupDto | GroupChangeRefusal> {
  return db.transaction(async (tx) => {
    await lockSpaceGroups(tx, spaceId)
    const before = await findGroup(tx, spaceId, groupId)
    if (!before) return { refusal: 'not_found' }
    const refused = await checkGroupFields(tx, spaceId, patch, groupId)
    if (refused) return refused
    const after: GroupDto = {
      id: groupId,
      name: patch.name ?? before.name,
      handle: patch.handle ?? before.handle,
      memberIds: patch.memberIds ?? before.memberIds,
    }
    await tx
      .update(groups)
      .set({ name: after.name, handle: after.handle })
      .where(eq(groups.id, groupId))
    if (patch.memberIds) {
      await tx.delete(groupMembers).where(eq(groupMembers.groupId, groupId))
      if (patch.memberIds.length > 0) {
        await tx.insert(groupMembers).values(patch.memberIds.map((userId) => ({ groupId, userId })))
      }
    }
    await recordDirectoryChange(tx, {
      spaceId,
      actorUserId: actor.userId,
      action: 'update',
      kind: 'group',
      entityId: groupId,
      before,
      after,
      at: actor.at,
    })
    return after
  })
}

/**
 * Deletes a group no rule sends to. Raised hands keep the group ids they were addressed to
 * (their recipients were expanded when raised) and chat keeps its mentions; both read a deleted
 * group as gone.
 */
export async function deleteGroup(
  db: Db,
  spaceId: string,
  groupId: string,
  actor: Actor,
): Promise<true | GroupChangeRefusal> {
  return db.transaction(async (tx) => {
    await lockSpaceGroups(tx, spaceId)
    const before = await findGroup(tx, spaceId, groupId)
    if (!before) return { refusal: 'not_found' }
    const users = await rulesSendingTo(
      tx,
      spaceId,
      (d) => d.escalateToTeamId === groupId || d.fallback?.escalateToTeamId === groupId,
    )
    if (users.length > 0) return { refusal: 'used_by_rules', rules: users }
    await tx.delete(groups).where(eq(groups.id, groupId))
    await recordDirectoryChange(tx, {
      spaceId,
      actorUserId: actor.userId,
      action: 'delete',
      kind: 'group',
      entityId: groupId,
      before,
      after: null,
      at: actor.at,
    })
    return true
  })
}
