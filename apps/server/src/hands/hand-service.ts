import {
  countGraphemes,
  EndReason,
  ErrorCode,
  ESCALATION_MESSAGE_MAX,
  type EscalationDto,
  type EscalationEnded,
  type EscalationRaise,
  type EscalationRespond,
  type EscalationResponseDto,
  type MemberRole,
  normalizeEscalationMessage,
} from '@flare/protocol'
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../auth/identity.js'
import type { Db } from '../db/database.js'
import { badRequest, forbidden, HttpError, notFound } from '../errors.js'
import type { EventBus } from '../events/domain-events.js'
import type { Broadcaster } from '../realtime/broadcaster.js'
import type { SpaceHub } from '../realtime/space-hub.js'
import { membersAmong } from '../spaces/space-repository.js'
import {
  addResponse,
  endHands,
  findActive,
  groupsWithMembers,
  insertHand,
  isUniqueViolation,
  raisedSince,
} from './hand-repository.js'

export interface Actor {
  userId: string
  displayName: string
  role: MemberRole
}

export interface HandServiceDeps {
  db: Db
  clock: Clock
  broadcast: Broadcaster
  events: EventBus
  /** The live presence of a space: where the raiser stands (a room refuses a raise), for Approach. */
  hub(spaceId: string): Promise<SpaceHub>
  log: FastifyBaseLogger
  /** Raises allowed per member per minute. */
  raisesPerMinute: number
}

const MANAGING_ROLES: readonly MemberRole[] = ['admin', 'manager']

/**
 * The rules of the raised hand (SPEC §3), shared by the socket events and the REST API. Every
 * change is stored first and broadcast after, so a client that reconnects in between sees it
 * in its snapshot.
 */
export function createHandService({
  db,
  clock,
  broadcast,
  events,
  hub,
  log,
  raisesPerMinute,
}: HandServiceDeps) {
  function broadcastEnded(spaceId: string, ended: EscalationEnded[]): void {
    if (ended.length === 0) return
    for (const e of ended) broadcast.toSpace(spaceId, 'escalation:ended', e)
    void events.publish('hand.ended', { spaceId, ended })
  }

  async function raise(
    spaceId: string,
    raiser: Actor,
    input: EscalationRaise,
    origin: 'space' | 'api',
  ): Promise<EscalationDto> {
    const message = normalizeEscalationMessage(input.message ?? '')
    const length = countGraphemes(message)
    if (length > ESCALATION_MESSAGE_MAX) {
      throw new HttpError(400, {
        code: ErrorCode.MESSAGE_TOO_LONG,
        message: `The message is ${length} characters; at most ${ESCALATION_MESSAGE_MAX} fit.`,
        field: 'message',
      })
    }
    if (origin === 'space') {
      // entering a room ends a hand, so one raised inside a room would end as it starts
      const live = await hub(spaceId)
      const roomId = live.get(raiser.userId)?.roomId
      if (roomId) {
        const room = live.rooms.find((r) => r.id === roomId)?.name ?? 'a meeting room'
        throw new HttpError(409, {
          code: ErrorCode.IN_MEETING_ROOM,
          message: `You are in ${room}: a hand cannot be raised inside a meeting room. Leave the room first.`,
        })
      }
    }
    const { userIds, groupIds } = input.recipients
    if (!input.notify && (userIds.length > 0 || groupIds.length > 0)) {
      throw badRequest(
        'Recipients are notified only by a red escalation: set notify to true.',
        'recipients',
      )
    }
    if (input.notify && userIds.length === 0 && groupIds.length === 0) {
      throw badRequest(
        'A red escalation needs at least one recipient: a user or a group.',
        'recipients',
      )
    }

    const members = await membersAmong(db, spaceId, userIds)
    const strangerIndex = userIds.findIndex((id) => !members.has(id))
    if (strangerIndex >= 0) {
      throw badRequest(
        'That user is not a member of this space.',
        `recipients.userIds.${strangerIndex}`,
      )
    }
    const groups = await groupsWithMembers(db, spaceId, groupIds)
    const unknownGroup = groupIds.findIndex((id) => !groups.has(id))
    if (unknownGroup >= 0) {
      throw badRequest(
        'That group is not a group of this space.',
        `recipients.groupIds.${unknownGroup}`,
      )
    }
    // groups expand to their members now: someone joining the group later is not notified
    const notified = [...new Set([...userIds, ...[...groups.values()].flat()])].filter(
      (id) => id !== raiser.userId,
    )
    if (input.notify && notified.length === 0) {
      throw badRequest(
        'Nobody to notify: you are the only recipient, and you are never notified of your own.',
        'recipients',
      )
    }

    const now = clock()
    // counted in the database, so the limit holds across server processes
    const recent = await raisedSince(db, spaceId, raiser.userId, new Date(now.getTime() - 60_000))
    if (recent.count >= raisesPerMinute) {
      // the oldest raise of the minute leaves the window first
      const retryAfterMs = Math.max(
        1000,
        (recent.oldest?.getTime() ?? now.getTime()) + 60_000 - now.getTime(),
      )
      throw new HttpError(429, {
        code: ErrorCode.RATE_LIMITED,
        message: `At most ${raisesPerMinute} escalations a minute. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
        retryAfterMs,
      })
    }

    let escalation: EscalationDto
    try {
      escalation = await insertHand(db, {
        spaceId,
        raisedBy: raiser.userId,
        message,
        color: input.notify ? 'red' : 'yellow',
        recipientUserIds: userIds,
        recipientGroupIds: groupIds,
        notifiedUserIds: notified,
        startedAt: now,
        origin,
      })
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new HttpError(409, {
          code: ErrorCode.CONFLICT,
          message: 'You already have an active escalation. End it before raising another.',
        })
      }
      throw error
    }

    broadcast.toSpace(spaceId, 'escalation:started', escalation)
    if (escalation.color === 'red') {
      broadcast.toUsers(spaceId, notified, 'escalation:notify', {
        escalation,
        raiserName: raiser.displayName,
      })
    }
    void events.publish('hand.raised', { spaceId, hand: escalation })
    log.info(
      { spaceId, escalationId: escalation.id, color: escalation.color, notified: notified.length },
      'escalation raised',
    )
    return escalation
  }

  /**
   * Ends one escalation on a person's request: their own (no id, or their own id), or anyone's
   * when they are an admin or manager.
   */
  async function end(
    spaceId: string,
    actor: Actor,
    escalationId: string | undefined,
  ): Promise<EscalationEnded> {
    const target = await findActive(
      db,
      spaceId,
      escalationId ? { id: escalationId } : { raisedBy: actor.userId },
    )
    if (!target) {
      throw notFound(
        escalationId
          ? 'No active escalation with that id in this space.'
          : 'You have no active escalation.',
      )
    }
    const own = target.raisedBy === actor.userId
    if (!own && !MANAGING_ROLES.includes(actor.role)) {
      throw forbidden("Only admins and managers may end someone else's escalation.")
    }
    const [ended] = await endHands(
      db,
      spaceId,
      { id: target.id },
      own ? EndReason.RAISER : EndReason.ENDED_BY_MANAGER,
      actor.userId,
      clock(),
    )
    if (!ended) throw notFound('That escalation has just ended.')
    broadcastEnded(spaceId, [ended])
    return ended
  }

  async function lowerAll(spaceId: string, actor: Actor): Promise<number> {
    if (!MANAGING_ROLES.includes(actor.role))
      throw forbidden('Only admins and managers may lower every hand.')
    const ended = await endHands(db, spaceId, 'all', EndReason.LOWERED_ALL, actor.userId, clock())
    broadcastEnded(spaceId, ended)
    return ended.length
  }

  /** Ends a member's own escalation because of what they did in the space (room, away, left). */
  async function endBecause(spaceId: string, raisedBy: string, reason: EndReason): Promise<void> {
    // a hand raised by an integration has no presence in the space to lose
    const ended = await endHands(db, spaceId, { raisedBy, origin: 'space' }, reason, null, clock())
    broadcastEnded(spaceId, ended)
  }

  /**
   * Ends every hand of a member an admin removed from the space, raised in the space or by an
   * integration alike: nobody is left to lower it. Recorded as ended by that admin.
   */
  async function endRemoved(spaceId: string, raisedBy: string, removedBy: string): Promise<void> {
    const reason = EndReason.ENDED_BY_MANAGER
    const ended = await endHands(db, spaceId, { raisedBy }, reason, removedBy, clock())
    broadcastEnded(spaceId, ended)
  }

  async function respond(
    spaceId: string,
    responder: Actor,
    input: EscalationRespond,
  ): Promise<{ response: EscalationResponseDto; position?: { x: number; y: number } }> {
    const escalation = await findActive(db, spaceId, { id: input.escalationId })
    if (!escalation) throw notFound('That escalation is no longer active.')
    if (escalation.raisedBy === responder.userId)
      throw badRequest('You cannot respond to your own escalation.')

    let position: { x: number; y: number } | undefined
    if (input.action === 'approach') {
      const space = await hub(spaceId)
      const me = space.get(responder.userId)
      if (!me) throw notFound('Join the space to approach someone.')
      if (me.roomId) {
        throw new HttpError(409, {
          code: ErrorCode.IN_MEETING_ROOM,
          message: 'Approach is not available inside a meeting room. Leave the room first.',
        })
      }
      const raiser = space.get(escalation.raisedBy)
      if (!raiser) throw notFound('The person who raised it is not in the space right now.')
      position = space.freeSpotNear(raiser.x, raiser.y, responder.userId)
      // no mover to leave out: every tab of the responder walks there too
      space.move(responder.userId, position.x, position.y, null)
    }

    const response: EscalationResponseDto = {
      userId: responder.userId,
      action: input.action,
      at: clock().toISOString(),
    }
    if (await addResponse(db, escalation.id, { ...response, at: new Date(response.at) })) {
      broadcast.toSpace(spaceId, 'escalation:response', { escalationId: escalation.id, response })
    }
    return position ? { response, position } : { response }
  }

  return { raise, end, lowerAll, endBecause, endRemoved, respond }
}

export type HandService = ReturnType<typeof createHandService>
