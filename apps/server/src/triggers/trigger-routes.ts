import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApiErrorBody, InboxParams, InboxTriggers, InboxTriggersResponse } from '@flare/protocol'
import { phraseWords } from '@flare/rules'
import { eq } from 'drizzle-orm'
import { writeAudit } from '../automation/automation-repository.js'
import { inboxes } from '../db/schema.js'
import { badRequest, notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { findInbox } from '../tickets/ticket-repository.js'
import { triggerSettingsOf } from './detection.js'

/**
 * The phrases as stored: trimmed, each with words to match, a phrase that matches exactly what
 * an earlier one does (after case, accents and articles) kept once.
 */
function cleanPhrases(phrases: readonly string[], enabled: boolean): string[] {
  const seen = new Set<string>()
  const kept: string[] = []
  for (const [index, phrase] of phrases.entries()) {
    const words = phraseWords(phrase)
    if (words.length === 0) {
      throw badRequest(
        `keyword.phrases.${index}: "${phrase.trim()}" has no words to match (articles and punctuation are ignored)`,
        `keyword.phrases.${index}`,
      )
    }
    const key = words.join(' ')
    if (seen.has(key)) continue
    seen.add(key)
    kept.push(phrase.trim().replace(/\s+/g, ' '))
  }
  if (enabled && kept.length === 0) {
    throw badRequest(
      'keyword.phrases: give at least one phrase, or turn the keyword trigger off',
      'keyword.phrases',
    )
  }
  return kept
}

/**
 * Each inbox's instant triggers (SPEC §11.1.4): members read them, admins and managers change
 * them; every change is audited.
 */
export const triggerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody }

  app.get(
    '/spaces/:spaceId/inboxes/:inboxId/triggers',
    {
      schema: {
        tags: ['inboxes'],
        summary:
          "The inbox's instant triggers (SPEC §11.1): phrases asking for a person, negative sentiment, bot failure; the defaults until saved",
        params: InboxParams,
        response: { 200: InboxTriggersResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const inbox = await findInbox(db, spaceId, request.params.inboxId)
      if (!inbox) throw notFound('No such inbox in this space.')
      return { triggers: triggerSettingsOf(inbox), custom: inbox.triggers !== null }
    },
  )

  app.put(
    '/spaces/:spaceId/inboxes/:inboxId/triggers',
    {
      schema: {
        tags: ['inboxes'],
        summary: "Replace the inbox's instant triggers (admins and managers)",
        description:
          'Phrases are matched on whole words in order, ignoring case, accents, punctuation and ' +
          'articles; a phrase without words is refused, one that repeats another is kept once. ' +
          'A trigger fires through the rules with a `trigger` condition, else to the assignee ' +
          '(or the inbox admins).',
        params: InboxParams,
        body: InboxTriggers,
        response: { 200: InboxTriggersResponse, ...errors },
      },
      preHandler: app.requireSpaceRole('admin', 'manager'),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { inboxId } = request.params
      const body = request.body
      const inbox = await findInbox(db, spaceId, inboxId)
      if (!inbox) throw notFound('No such inbox in this space.')
      const triggers: InboxTriggers = {
        ...body,
        keyword: {
          enabled: body.keyword.enabled,
          phrases: cleanPhrases(body.keyword.phrases, body.keyword.enabled),
        },
      }
      await db.transaction(async (tx) => {
        await tx.update(inboxes).set({ triggers }).where(eq(inboxes.id, inboxId))
        await writeAudit(tx, {
          spaceId,
          actorUserId: userId,
          action: 'update',
          entity: 'inbox_triggers',
          entityId: inboxId,
          before: triggerSettingsOf(inbox),
          after: triggers,
          at: app.clock(),
        })
      })
      return { triggers, custom: true }
    },
  )
}
