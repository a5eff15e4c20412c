import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  type BusinessCalendar,
  ErrorCode,
  InboxCreate,
  InboxListResponse,
  InboxParams,
  InboxResponse,
  InboxUpdate,
  SpaceParams,
  validateCalendar,
} from '@flare/protocol'
import { eq } from 'drizzle-orm'
import { writeAuditEntry } from '../db/audit-log.js'
import { inboxAdmins, inboxes } from '../db/schema.js'
import { badRequest, HttpError, notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { requestRecompute } from '../scheduling/due-instants.js'
import {
  adminsOf,
  findInbox,
  isUniqueViolation,
  listInboxRows,
  nonMembers,
  normalizeAddress,
  type Tx,
  toInboxDto,
} from './ticket-repository.js'

/**
 * Who may change an inbox's settings: the space's admins and managers. SPEC §1 gives business
 * hours and inbox escalation settings to those roles alone, and inbox admins are who the
 * inbox's escalations go to, not who configures it, so an agent who is an inbox admin may not.
 */
const SETTINGS_ROLES = ['admin', 'manager'] as const

function isSettingsRole(role: string): boolean {
  return (SETTINGS_ROLES as readonly string[]).includes(role)
}

function checkCalendar(input: unknown): BusinessCalendar | null {
  if (input === null) return null
  const result = validateCalendar(input)
  if (!result.ok) {
    const field = result.error.field ? `calendar.${result.error.field}` : 'calendar'
    throw badRequest(`calendar: ${result.error.message}`, field)
  }
  return result.value
}

async function checkAdmins(db: Tx, spaceId: string, userIds: string[]): Promise<void> {
  const strangers = await nonMembers(db, spaceId, userIds)
  const first = strangers[0]
  if (first) {
    throw badRequest(
      `adminUserIds.${userIds.indexOf(first)}: not a member of this space`,
      `adminUserIds.${userIds.indexOf(first)}`,
    )
  }
}

/** What the audit log keeps of an inbox's settings: never its secret (SPEC §8.4). */
async function auditedInbox(tx: Tx, inboxId: string) {
  const [row] = await tx.select().from(inboxes).where(eq(inboxes.id, inboxId))
  if (!row) return null
  const admins = await adminsOf(tx, [inboxId])
  return {
    name: row.name,
    channelAddress: row.channelAddress,
    adminUserIds: admins.get(inboxId) ?? [],
    calendar: row.calendar ?? null,
  }
}

function addressTaken(): HttpError {
  return new HttpError(409, {
    code: ErrorCode.CONFLICT,
    message: 'channelAddress: another inbox already receives at this address',
    field: 'channelAddress',
  })
}

export const inboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody }

  async function inboxDto(spaceId: string, inboxId: string, withSecret: boolean) {
    const row = await findInbox(db, spaceId, inboxId)
    if (!row) throw notFound('No such inbox in this space.')
    const admins = await adminsOf(db, [row.id])
    return toInboxDto(row, admins.get(row.id) ?? [], withSecret)
  }

  app.get(
    '/spaces/:spaceId/inboxes',
    {
      schema: {
        tags: ['inboxes'],
        summary: "The space's inboxes (the webhook secret only for admins and managers)",
        params: SpaceParams,
        response: { 200: InboxListResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, role } = membershipOf(request)
      const rows = await listInboxRows(db, spaceId)
      const admins = await adminsOf(
        db,
        rows.map((r) => r.id),
      )
      return {
        inboxes: rows.map((r) => toInboxDto(r, admins.get(r.id) ?? [], isSettingsRole(role))),
      }
    },
  )

  app.get(
    '/spaces/:spaceId/inboxes/:inboxId',
    {
      schema: {
        tags: ['inboxes'],
        summary: 'One inbox',
        params: InboxParams,
        response: { 200: InboxResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, role } = membershipOf(request)
      const { inboxId } = request.params
      return { inbox: await inboxDto(spaceId, inboxId, isSettingsRole(role)) }
    },
  )

  app.post(
    '/spaces/:spaceId/inboxes',
    {
      schema: {
        tags: ['inboxes'],
        summary: 'Create an inbox (admins and managers)',
        params: SpaceParams,
        body: InboxCreate,
        response: { 201: InboxResponse, ...errors, 409: ApiErrorBody },
      },
      preHandler: app.requireSpaceRole(...SETTINGS_ROLES),
    },
    async (request, reply) => {
      const { spaceId, userId } = membershipOf(request)
      const body = request.body
      const calendar = body.calendar === undefined ? null : checkCalendar(body.calendar)
      const adminUserIds = body.adminUserIds ?? []
      await checkAdmins(db, spaceId, adminUserIds)
      try {
        const id = await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(inboxes)
            .values({
              spaceId,
              name: body.name.trim(),
              channelAddress: body.channelAddress ? normalizeAddress(body.channelAddress) : null,
              calendar,
            })
            .returning({ id: inboxes.id })
          if (!row) throw new Error('inbox was not created')
          if (adminUserIds.length > 0) {
            await tx
              .insert(inboxAdmins)
              .values(adminUserIds.map((admin) => ({ inboxId: row.id, userId: admin })))
          }
          await writeAuditEntry(tx, {
            spaceId,
            actorUserId: userId,
            action: 'create',
            kind: 'inbox',
            entityId: row.id,
            before: null,
            after: await auditedInbox(tx, row.id),
            at: app.clock(),
          })
          return row.id
        })
        return reply.code(201).send({ inbox: await inboxDto(spaceId, id, true) })
      } catch (error) {
        if (isUniqueViolation(error)) throw addressTaken()
        throw error
      }
    },
  )

  app.patch(
    '/spaces/:spaceId/inboxes/:inboxId',
    {
      schema: {
        tags: ['inboxes'],
        summary: "Change an inbox's settings (admins and managers)",
        params: InboxParams,
        body: InboxUpdate,
        response: { 200: InboxResponse, ...errors, 409: ApiErrorBody },
      },
      preHandler: app.requireSpaceRole(...SETTINGS_ROLES),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { inboxId } = request.params
      const body = request.body
      if (!(await findInbox(db, spaceId, inboxId))) throw notFound('No such inbox in this space.')
      const calendar = body.calendar === undefined ? undefined : checkCalendar(body.calendar)
      if (body.adminUserIds) await checkAdmins(db, spaceId, body.adminUserIds)
      try {
        await db.transaction(async (tx) => {
          const before = await auditedInbox(tx, inboxId)
          const set = {
            ...(body.name !== undefined ? { name: body.name.trim() } : {}),
            ...(body.channelAddress !== undefined
              ? {
                  channelAddress: body.channelAddress
                    ? normalizeAddress(body.channelAddress)
                    : null,
                }
              : {}),
            ...(calendar !== undefined ? { calendar } : {}),
          }
          if (Object.keys(set).length > 0) {
            await tx.update(inboxes).set(set).where(eq(inboxes.id, inboxId))
          }
          // the inbox's tickets need new due instants: asked for with the change, done in the
          // background (docs/decisions/0003)
          if (calendar !== undefined) await requestRecompute(tx, spaceId, app.clock())
          if (body.adminUserIds) {
            await tx.delete(inboxAdmins).where(eq(inboxAdmins.inboxId, inboxId))
            if (body.adminUserIds.length > 0) {
              await tx
                .insert(inboxAdmins)
                .values(body.adminUserIds.map((admin) => ({ inboxId, userId: admin })))
            }
          }
          // calendar and setting changes are kept beside rule changes (SPEC §8.4)
          const after = await auditedInbox(tx, inboxId)
          if (JSON.stringify(before) !== JSON.stringify(after)) {
            await writeAuditEntry(tx, {
              spaceId,
              actorUserId: userId,
              action: 'update',
              kind: 'inbox',
              entityId: inboxId,
              before,
              after,
              at: app.clock(),
            })
          }
        })
      } catch (error) {
        if (isUniqueViolation(error)) throw addressTaken()
        throw error
      }
      if (calendar !== undefined) void app.events.publish('calendar.changed', { spaceId, inboxId })
      return { inbox: await inboxDto(spaceId, inboxId, true) }
    },
  )

  app.post(
    '/spaces/:spaceId/inboxes/:inboxId/rotate-secret',
    {
      schema: {
        tags: ['inboxes'],
        summary:
          'Give the inbox a new webhook secret; deliveries with the old one are refused (admins and managers)',
        params: InboxParams,
        response: { 200: InboxResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(...SETTINGS_ROLES),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { inboxId } = request.params
      const inbox = await findInbox(db, spaceId, inboxId)
      if (!inbox) throw notFound('No such inbox in this space.')
      await db.transaction(async (tx) => {
        await tx
          .update(inboxes)
          .set({ webhookSecret: newWebhookSecret() })
          .where(eq(inboxes.id, inboxId))
        // the fact of the rotation, never the secrets themselves
        await writeAuditEntry(tx, {
          spaceId,
          actorUserId: userId,
          action: 'update',
          kind: 'inbox',
          entityId: inboxId,
          before: { name: inbox.name, webhookSecret: 'the previous secret' },
          after: { name: inbox.name, webhookSecret: 'a new secret' },
          at: app.clock(),
        })
      })
      return { inbox: await inboxDto(spaceId, inboxId, true) }
    },
  )
}

export function newWebhookSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('hex')
}
