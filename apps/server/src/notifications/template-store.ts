import type { TemplateChannel } from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { notificationTemplates } from '../db/schema.js'
import { DEFAULT_TEMPLATES, TEMPLATE_NAME, type TemplateText } from './templates.js'

/** The space's `ticket_escalation` wording for a channel, or the built-in one. */
export async function loadTemplate(
  db: Db,
  spaceId: string,
  channel: TemplateChannel,
): Promise<TemplateText> {
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
  return row ? { subject: row.subject, body: row.body } : DEFAULT_TEMPLATES[channel]
}
