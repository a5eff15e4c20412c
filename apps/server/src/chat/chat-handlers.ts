import {
  chatBodyProblem,
  directThreadKey,
  ErrorCode,
  parseThreadKey,
  SPACE_THREAD,
} from '@flare/protocol'
import type { Clock } from '../auth/identity.js'
import type { Db } from '../db/database.js'
import type { Broadcaster } from '../realtime/broadcaster.js'
import { type ClientEventHandlers, refused } from '../realtime/socket-handlers.js'
import { foreignGroups, insertMessage, markRead, nonMembers } from './chat-repository.js'

interface ChatDeps {
  db: Db
  broadcast: Broadcaster
  clock: Clock
  /** Who is sending, on which connection. */
  spaceId: string
  userId: string
  displayName: string
  socketId: string
}

/** The chat events of one connection: sending a message, marking a thread read. */
export function createChatHandlers(deps: ChatDeps) {
  const { db, broadcast, clock, spaceId, userId, displayName, socketId } = deps
  return {
    'chat:send': async ({ to, body, mentions }) => {
      const problem = chatBodyProblem(body)
      if (problem) return refused(ErrorCode.VALIDATION, problem, 'body')
      if (to.kind === 'direct') {
        if (to.userId.toLowerCase() === userId) {
          return refused(ErrorCode.VALIDATION, 'You cannot message yourself.', 'to.userId')
        }
        // another space's member, or nobody: answered the same way, so ids leak nothing
        if ((await nonMembers(db, spaceId, [to.userId.toLowerCase()])).length > 0) {
          return refused(ErrorCode.NOT_FOUND, 'That person is not in this space.', 'to.userId')
        }
      }
      const userIds = unique(mentions?.userIds ?? [])
      const groupIds = unique(mentions?.groupIds ?? [])
      const [strangers, strangeGroups] = await Promise.all([
        nonMembers(db, spaceId, userIds),
        foreignGroups(db, spaceId, groupIds),
      ])
      if (strangers.length > 0) {
        const index = userIds.indexOf(strangers[0]!)
        return refused(
          ErrorCode.NOT_FOUND,
          'You mentioned someone who is not in this space.',
          `mentions.userIds.${index}`,
        )
      }
      if (strangeGroups.length > 0) {
        const index = groupIds.indexOf(strangeGroups[0]!)
        return refused(
          ErrorCode.NOT_FOUND,
          'You mentioned a group that is not in this space.',
          `mentions.groupIds.${index}`,
        )
      }
      const threadKey =
        to.kind === 'space' ? SPACE_THREAD : directThreadKey(userId, to.userId.toLowerCase())
      // store before broadcasting: whoever loads the history after hearing of it finds it there
      const message = await insertMessage(db, {
        spaceId,
        authorId: userId,
        authorName: displayName,
        kind: to.kind,
        threadKey,
        body,
        mentions: { userIds, groupIds },
        createdAt: clock(),
      })
      if (to.kind === 'space') broadcast.toSpace(spaceId, 'chat:message', message)
      else broadcast.toUsers(spaceId, [userId, to.userId.toLowerCase()], 'chat:message', message)
      return { ok: true, message }
    },
    'chat:read': async ({ threadKey }) => {
      const thread = parseThreadKey(threadKey)
      if (!thread || (thread.kind === 'direct' && !thread.userIds.includes(userId))) {
        return refused(ErrorCode.NOT_FOUND, 'No such chat.', 'threadKey')
      }
      await markRead(db, spaceId, userId, threadKey)
      // the member's other tabs clear their badge too
      broadcast.toUsers(
        spaceId,
        [userId],
        'chat:thread-read',
        { threadKey },
        { exceptSocketId: socketId },
      )
      return { ok: true, threadKey }
    },
  } satisfies ClientEventHandlers
}

function unique(ids: string[]): string[] {
  return [...new Set(ids.map((id) => id.toLowerCase()))]
}
