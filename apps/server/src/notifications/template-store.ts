import {
  type NotificationTemplateDto,
  TEMPLATE_CHANNELS,
  type TemplateChannel,
} from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { notificationTemplates } from '../db/schema.js'
import { DEFAULT_TEMPLATES, TEMPLATE_NAME, type TemplateText } from './templates.js'

type TemplateRow = typeof notificationTemplates.$inferSelect

/** The space's own `ticket_escalation` row for a channel, if it changed the built-in wording. */
export async function ownTemplate(
  db: Db,
  spaceId: string,
  channel: TemplateChannel,
): Promise<TemplateRow | undefined> {
  const [row] = await db
    .select()
    .from(notificationTemplates)
    .where(
      and(
        eq(notificationTemplates.spaceId, spaceId),
        eq(notificationTemplates.name, TEMPLATE_NAME),
        eq(notificationTemplates.channel, channel),
      ),
    )
  return row
}

/** The space's `ticket_escalation` wording for a channel, or the built-in one. */
export async function loadTemplate(
  db: Db,
  spaceId: string,
  channel: TemplateChannel,
): Promise<TemplateText> {
  const row = await ownTemplate(db, spaceId, channel)
  return row ? { subject: row.subject, body: row.body } : DEFAULT_TEMPLATES[channel]
}

/** Every channel's template as the settings page shows it: the space's own, or the built-in. */
export async function listTemplates(db: Db, spaceId: string): Promise<NotificationTemplateDto[]> {
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
    return { name: TEMPLATE_NAME, channel, ...text, customized: Boolean(own) }
  })
}
