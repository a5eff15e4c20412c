import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  CHAT_PAGE_DEFAULT,
  ChatHistoryQuery,
  ChatHistoryResponse,
  type ChatThreadDto,
  ChatThreadParams,
  ChatThreadsResponse,
  parseThreadKey,
  SPACE_THREAD,
  SpaceParams,
} from '@flare/protocol'
import { badRequest, notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { listMessages, listThreads } from './chat-repository.js'

/**
 * A `before` cursor as `nextCursor` gave it out (`<ISO instant>_<message id>`): one that only
 * looks like it (the 45th of a month) is 400 naming `before`, not a database error.
 */
function chatCursorOf(cursor: string): { createdAt: string; id: string } {
  const cut = cursor.indexOf('_')
  const createdAt = cursor.slice(0, cut)
  const at = Date.parse(createdAt)
  if (Number.isNaN(at) || new Date(at).toISOString() !== createdAt) {
    throw badRequest('before: not a cursor this API gave out', 'before')
  }
  return { createdAt, id: cursor.slice(cut + 1) }
}

/** Chat history over REST (members only): the threads with unread counts, and paged messages. */
export const chatRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody }

  app.get(
    '/spaces/:spaceId/chat/threads',
    {
      schema: {
        tags: ['chat'],
        summary: 'Your chat threads in a space, with unread counts and the latest message',
        params: SpaceParams,
        response: { 200: ChatThreadsResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const summaries = await listThreads(app.database.db, spaceId, userId)
      const threads: ChatThreadDto[] = summaries.map((s) => {
        const thread = parseThreadKey(s.threadKey)
        const otherUserId =
          thread?.kind === 'direct' ? (thread.userIds.find((id) => id !== userId) ?? null) : null
        return {
          threadKey: s.threadKey,
          kind: thread?.kind ?? 'space',
          otherUserId,
          unread: s.unread,
          lastMessage: s.lastMessage,
        }
      })
      // the space channel is always there, even before its first message
      if (!threads.some((t) => t.threadKey === SPACE_THREAD)) {
        threads.push({
          threadKey: SPACE_THREAD,
          kind: 'space',
          otherUserId: null,
          unread: 0,
          lastMessage: null,
        })
      }
      threads.sort(
        (a, b) =>
          Number(b.kind === 'space') - Number(a.kind === 'space') ||
          (b.lastMessage?.createdAt ?? '').localeCompare(a.lastMessage?.createdAt ?? ''),
      )
      return { threads }
    },
  )

  app.get(
    '/spaces/:spaceId/chat/threads/:threadKey/messages',
    {
      schema: {
        tags: ['chat'],
        summary: "A page of a thread's messages, newest page first (`before` pages backwards)",
        params: ChatThreadParams,
        querystring: ChatHistoryQuery,
        response: { 200: ChatHistoryResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { threadKey } = request.params
      const query = request.query
      const thread = parseThreadKey(threadKey)
      // someone else's direct thread is answered as if it did not exist
      if (!thread || (thread.kind === 'direct' && !thread.userIds.includes(userId))) {
        throw notFound('No such chat.')
      }
      const before = query.before ? chatCursorOf(query.before) : null
      return listMessages(app.database.db, spaceId, threadKey, {
        before,
        limit: query.limit ? Number(query.limit) : CHAT_PAGE_DEFAULT,
      })
    },
  )
}
