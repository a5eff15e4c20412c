import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  NotificationTemplateDto,
  NotificationTemplateListResponse,
  NotificationTemplateParams,
  NotificationTemplateUpdate,
  SpaceParams,
  TEMPLATE_CHANNELS,
} from '@flare/protocol'
import { TEMPLATE_VARIABLES } from '@flare/rules'
import { Type } from '@sinclair/typebox'
import { and, eq } from 'drizzle-orm'
import { auditLog, notificationTemplates } from '../db/schema.js'
import { badRequest } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { DEFAULT_TEMPLATES, TEMPLATE_NAME, templateProblem } from './templates.js'

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

  async function listFor(spaceId: string): Promise<NotificationTemplateDto[]> {
    const rows = await db
      .select()
      .from(notificationTemplates)
      .where(
        and(
          eq(notificationTemplates.spaceId, spaceId),
          eq(notificationTemplates.name, TEMPLATE_NAME),
        ),
      )
    return TEMPLATE_CHANNELS.map((channel) => {
      const own = rows.find((r) => r.channel === channel)
      const text = own ? { subject: own.subject, body: own.body } : DEFAULT_TEMPLATES[channel]
      return {
        name: TEMPLATE_NAME,
        channel,
        subject: text.subject,
        body: text.body,
        customized: Boolean(own),
      }
    })
  }

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
      templates: await listFor(membershipOf(request).spaceId),
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
        const [before] = await tx
          .select()
          .from(notificationTemplates)
          .where(
            and(
              eq(notificationTemplates.spaceId, spaceId),
              eq(notificationTemplates.name, TEMPLATE_NAME),
              eq(notificationTemplates.channel, channel),
            ),
          )
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
      const template = (await listFor(spaceId)).find((t) => t.channel === channel)
      if (!template) throw new Error('template vanished after saving')
      return { template }
    },
  )
}
