import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  NotificationTemplateDto,
  NotificationTemplateListResponse,
  NotificationTemplateParams,
  NotificationTemplateUpdate,
  SpaceParams,
} from '@flare/protocol'
import { TEMPLATE_VARIABLES } from '@flare/rules'
import { Type } from '@sinclair/typebox'
import { auditLog, notificationTemplates } from '../db/schema.js'
import { badRequest } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { listTemplates, ownTemplate } from './template-store.js'
import { TEMPLATE_NAME, templateProblem } from './templates.js'

/**
 * The `ticket_escalation` template per channel (SPEC §7): members read, admins and managers
 * change. A save with an unknown variable, or an SMS that does not fit one message, is refused.
 */
export const templateRoutes: FastifyPluginAsyncTypebox<{ publicUrl: string }> = async (
  app,
  { publicUrl },
) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody }

  app.get(
    '/spaces/:spaceId/notification-templates',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The ticket_escalation template of each channel, and the variables it may use',
        params: SpaceParams,
        response: { 200: NotificationTemplateListResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => ({
      templates: await listTemplates(db, membershipOf(request).spaceId),
      variables: [...TEMPLATE_VARIABLES],
    }),
  )

  app.put(
    '/spaces/:spaceId/notification-templates/:channel',
    {
      schema: {
        tags: ['notifications'],
        summary: "Change a channel's ticket_escalation template (admins and managers)",
        params: NotificationTemplateParams,
        body: NotificationTemplateUpdate,
        response: { 200: Type.Object({ template: NotificationTemplateDto }), ...errors },
      },
      preHandler: app.requireSpaceRole('admin', 'manager'),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { channel } = request.params
      const body = request.body
      const usesSubject = channel === 'email' || channel === 'push'
      const text = { subject: usesSubject ? (body.subject ?? null) : null, body: body.body }
      const problem = templateProblem(channel, text, publicUrl)
      if (problem) throw badRequest(problem.message, problem.field)
      const now = app.clock()
      await db.transaction(async (tx) => {
        const before = await ownTemplate(tx, spaceId, channel)
        await tx
          .insert(notificationTemplates)
          .values({
            spaceId,
            name: TEMPLATE_NAME,
            channel,
            ...text,
            updatedAt: now,
            updatedBy: userId,
          })
          .onConflictDoUpdate({
            target: [
              notificationTemplates.spaceId,
              notificationTemplates.name,
              notificationTemplates.channel,
            ],
            set: { ...text, updatedAt: now, updatedBy: userId },
          })
        await tx.insert(auditLog).values({
          spaceId,
          actorUserId: userId,
          action: before ? 'update' : 'create',
          entity: 'notification_template',
          entityId: `${TEMPLATE_NAME}:${channel}`,
          before: before ? { subject: before.subject, body: before.body } : null,
          after: text,
          at: now,
        })
      })
      const template = (await listTemplates(db, spaceId)).find((t) => t.channel === channel)
      if (!template) throw new Error('template vanished after saving')
      return { template }
    },
  )
}
