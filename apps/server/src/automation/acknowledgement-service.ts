import {
  type AcknowledgeChannel,
  ErrorCode,
  type MemberRole,
  type TicketAcknowledgedEvent,
  type TicketAcknowledgementDto,
  type TicketReleasedEvent,
} from '@flare/protocol'
import { and, desc, eq, gte, isNull, or } from 'drizzle-orm'
import type { Clock } from '../auth/identity.js'
import type { Db } from '../db/database.js'
import {
  escalationFirings,
  memberships,
  notificationOutbox,
  ticketMessages,
  tickets,
  users,
} from '../db/schema.js'
import { conflict, HttpError, notFound } from '../errors.js'
import type { EventBus } from '../events/domain-events.js'
import type { Broadcaster } from '../realtime/broadcaster.js'
import { storeDueInstants } from '../scheduling/due-instants.js'
import {
  type MessageRow,
  normalizePhone,
  type TicketRow,
  type Tx,
  toMessageDto,
  toTicketDto,
} from '../tickets/ticket-repository.js'
import type { TicketEvent } from '../tickets/ticket-service.js'
import { isInForce } from '../tickets/waiting-state.js'
import { type AckLinks, smsReplyCode } from './ack-links.js'
import { SETTINGS_ROLES } from './rule-service.js'

type FiringRow = typeof escalationFirings.$inferSelect

export interface AcknowledgementDeps {
  db: Db
  clock: Clock
  broadcast: Broadcaster
  /** The one place ticket changes are told: the ticket service's `announce`. */
  announce(spaceId: string, events: TicketEvent[]): void
  /** `ticket.acknowledged` goes to the webhooks subscribed to it (notifications/). */
  events: EventBus
  links: AckLinks
}

/** How long an SMS forward can be answered with its reply code. */
const SMS_REPLY_WINDOW_MS = 24 * 60 * 60_000

const FROM: Record<AcknowledgeChannel, string> = {
  app: 'the app',
  push: 'a push notification',
  email: 'the email',
  slack: 'Slack',
  sms: 'a text message',
}

function notYours(): HttpError {
  return new HttpError(403, {
    code: ErrorCode.FORBIDDEN,
    message: 'Only the people this escalation went to can take it.',
  })
}

function chainOf(firing: FiringRow): string {
  return firing.chain ?? 'default'
}

function eventOf(ack: TicketAcknowledgementDto, ticketId: string): TicketAcknowledgedEvent {
  return {
    firingId: ack.firingId,
    ticketId,
    userId: ack.userId,
    at: ack.acknowledgedAt,
    chain: ack.chain,
    snoozedUntil: ack.snoozedUntil,
    via: ack.via,
  }
}

/** What a change of a ticket's acknowledgements committed, to tell afterwards. */
interface Committed<T> {
  result: T
  ticket: TicketRow | null
  note: MessageRow | null
}

/** A recipient of an email or Slack link, as the link names it. */
export type LinkRecipient =
  | { kind: 'user'; userId: string }
  | { kind: 'email'; address: string }
  | { kind: 'space' }

/** What the confirm page shows before the POST takes the ticket. */
export interface LinkPreview {
  spaceId: string
  firingId: string
  ticketId: string
  subject: string
  level: number
  /** Who has the chain now, if anyone. */
  takenBy: { userId: string; name: string } | null
}

/**
 * "I'm on it" (SPEC §11.2): taking a firing silences the further levels of its chain on the
 * ticket until the customer writes again, the acknowledger lets go, or a snooze runs out. The
 * state lives on the ticket row (`tickets.acknowledgements`), changed with the row locked and
 * its next due instant recomputed in the same transaction, so every scheduler process honours
 * it at once and after a restart. Each way in (pop-up, push, email and Slack links, an SMS
 * reply) checks who may take the firing, then comes here.
 */
export function createAcknowledgements(deps: AcknowledgementDeps) {
  const { db, clock } = deps

  async function firingOf(firingId: string, spaceId: string | null): Promise<FiringRow> {
    const [firing] = await db
      .select()
      .from(escalationFirings)
      .where(
        spaceId
          ? and(eq(escalationFirings.id, firingId), eq(escalationFirings.spaceId, spaceId))
          : eq(escalationFirings.id, firingId),
      )
    if (!firing) throw notFound('No such escalation in this space.')
    return firing
  }

  async function nameOf(userId: string, from: Tx = db): Promise<string> {
    const [row] = await from
      .select({ name: users.displayName })
      .from(users)
      .where(eq(users.id, userId))
    return row?.name ?? 'Someone'
  }

  async function isMember(spaceId: string, userId: string): Promise<boolean> {
    const [row] = await db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.spaceId, spaceId), eq(memberships.userId, userId)))
    return row !== undefined
  }

  /**
   * Changes one ticket's acknowledgements with the row locked: `change` answers the new
   * list (null = nothing to change) and the internal note that logs it; the next due instant
   * is stored in the same transaction. Tells the space after the commit.
   */
  async function changeTicket<T>(
    firing: FiringRow,
    change: (
      tx: Tx,
      ticket: TicketRow,
      at: Date,
    ) => Promise<{
      acknowledgements: TicketAcknowledgementDto[] | null
      note: string | null
      result: T
    }>,
  ): Promise<Committed<T>> {
    const committed = await db.transaction(async (tx): Promise<Committed<T>> => {
      const [row] = await tx
        .select()
        .from(tickets)
        .where(eq(tickets.id, firing.ticketId))
        .for('update')
      if (!row) throw notFound('The ticket of this escalation is gone.')
      // read under the lock: a firing or another acknowledgement committed just before is seen
      const at = clock()
      const { acknowledgements, note, result } = await change(tx, row, at)
      if (!acknowledgements) return { result, ticket: null, note: null }
      const [updated] = await tx
        .update(tickets)
        .set({ acknowledgements, updatedAt: at })
        .where(eq(tickets.id, row.id))
        .returning()
      if (!updated) throw new Error('ticket vanished while locked')
      const { rows } = await storeDueInstants(tx, [updated], at)
      let stored: MessageRow | null = null
      if (note) {
        // a system note changes no clock (SPEC §6.2.3): it only logs who did what, when
        const [inserted] = await tx
          .insert(ticketMessages)
          .values({
            ticketId: row.id,
            inboxId: row.inboxId,
            authorKind: 'system',
            internal: true,
            body: note,
            createdAt: at,
          })
          .returning()
        stored = inserted ?? null
      }
      return { result, ticket: rows[0] ?? updated, note: stored }
    })
    if (committed.ticket) {
      const dto = toTicketDto(committed.ticket)
      deps.announce(committed.ticket.spaceId, [
        { kind: 'updated', ticket: dto },
        ...(committed.note
          ? [{ kind: 'message' as const, ticket: dto, message: toMessageDto(committed.note) }]
          : []),
      ])
    }
    return committed
  }

  /**
   * Takes a firing's chain for `userId`, who the caller has checked may. The first to take it
   * wins: someone else's acknowledgement in force is answered as it is. A `snoozeMinutes`
   * makes the silence end after that long (SPEC §11.2.4).
   */
  async function take(
    firing: FiringRow,
    userId: string,
    via: AcknowledgeChannel,
    snoozeMinutes?: number,
  ): Promise<TicketAcknowledgedEvent> {
    const chain = chainOf(firing)
    const name = await nameOf(userId)
    const { result } = await changeTicket(firing, async (tx, ticket, at) => {
      const current = ticket.acknowledgements.find((a) => a.chain === chain)
      const held = current && isInForce(current, at, ticket.openSince) ? current : null
      if (held && held.userId !== userId) {
        if (snoozeMinutes !== undefined) {
          throw conflict(`${await nameOf(held.userId, tx)} is on it; only they can snooze it.`)
        }
        return {
          acknowledgements: null,
          note: null,
          result: { event: eventOf(held, ticket.id), fresh: false },
        }
      }
      // already theirs, as asked: nothing changes
      if (held && snoozeMinutes === undefined && held.snoozedUntil === null) {
        return {
          acknowledgements: null,
          note: null,
          result: { event: eventOf(held, ticket.id), fresh: false },
        }
      }
      const snoozedUntil =
        snoozeMinutes === undefined ? null : new Date(at.getTime() + snoozeMinutes * 60_000)
      const ack: TicketAcknowledgementDto = {
        chain,
        firingId: held?.firingId ?? firing.id,
        level: held?.level ?? firing.level,
        userId,
        acknowledgedAt: held?.acknowledgedAt ?? at.toISOString(),
        via: held?.via ?? via,
        snoozedUntil: snoozedUntil?.toISOString() ?? null,
        endedAt: null,
        endReason: null,
      }
      if (!held) {
        // the firing keeps who took it first, for the delivery log and metrics
        await tx
          .update(escalationFirings)
          .set({ acknowledgedBy: userId, acknowledgedAt: at })
          .where(and(eq(escalationFirings.id, firing.id), isNull(escalationFirings.acknowledgedBy)))
      }
      const note =
        snoozeMinutes !== undefined
          ? `${name} snoozed the escalation for ${snoozeMinutes} minute${snoozeMinutes === 1 ? '' : 's'}: unless the customer is answered, it goes on at ${snoozedUntil?.toISOString().slice(11, 16)} UTC.`
          : held
            ? `${name} is on it, with no snooze.`
            : `${name} is on it (level ${firing.level}, from ${FROM[via]}).`
      return {
        acknowledgements: [...ticket.acknowledgements.filter((a) => a.chain !== chain), ack],
        note,
        result: { event: eventOf(ack, ticket.id), fresh: !held },
      }
    })
    const { event, fresh } = result
    // the space: every target's card and every ticket list say who took it
    deps.broadcast.toSpace(firing.spaceId, 'ticket:acknowledged', event)
    // the webhooks hear the first "I'm on it" of a chain's silence, not a snooze of it
    if (fresh)
      void deps.events.publish('ticket.acknowledged', {
        spaceId: firing.spaceId,
        acknowledged: event,
      })
    return event
  }

  /** Admins and managers may let go for someone; anyone else only of what they took. */
  async function letGo(
    spaceId: string,
    firingId: string,
    by: { userId: string; role: MemberRole },
  ): Promise<TicketReleasedEvent> {
    const firing = await firingOf(firingId, spaceId)
    const chain = chainOf(firing)
    const byName = await nameOf(by.userId)
    const { result } = await changeTicket(firing, async (tx, ticket, at) => {
      const current = ticket.acknowledgements.find((a) => a.chain === chain)
      if (!current || !isInForce(current, at, ticket.openSince)) {
        throw conflict('Nobody is on it to let go.')
      }
      if (current.userId !== by.userId && !SETTINGS_ROLES.includes(by.role)) {
        throw new HttpError(403, {
          code: ErrorCode.FORBIDDEN,
          message: 'Only the person on it, or an admin or manager, can let it go.',
        })
      }
      const ended: TicketAcknowledgementDto = {
        ...current,
        endedAt: at.toISOString(),
        endReason: 'let_go',
      }
      const released: TicketReleasedEvent = {
        firingId: current.firingId,
        ticketId: ticket.id,
        chain,
        userId: current.userId,
        by: by.userId,
        at: at.toISOString(),
      }
      const whose = current.userId === by.userId ? '' : ` for ${await nameOf(current.userId, tx)}`
      return {
        acknowledgements: ticket.acknowledgements.map((a) => (a.chain === chain ? ended : a)),
        note: `${byName} let go of it${whose}: the escalation goes on.`,
        result: released,
      }
    })
    deps.broadcast.toSpace(spaceId, 'ticket:released', result)
    return result
  }

  /** The pop-up, the push action and the REST API: only the firing's targets. */
  async function acknowledge(
    spaceId: string,
    firingId: string,
    userId: string,
    via: 'app' | 'push',
  ): Promise<TicketAcknowledgedEvent> {
    const firing = await firingOf(firingId, spaceId)
    if (!firing.targetUserIds.includes(userId)) throw notYours()
    return take(firing, userId, via)
  }

  /**
   * A snooze (SPEC §11.2.4): the acknowledger, or a target taking it now, silences the chain
   * for `minutes` only; logged on the ticket.
   */
  async function snooze(
    spaceId: string,
    firingId: string,
    userId: string,
    minutes: number,
  ): Promise<TicketAcknowledgedEvent> {
    const firing = await firingOf(firingId, spaceId)
    const [row] = await db
      .select({ acknowledgements: tickets.acknowledgements, openSince: tickets.openSince })
      .from(tickets)
      .where(eq(tickets.id, firing.ticketId))
    const held = row?.acknowledgements.find(
      (a) => a.chain === chainOf(firing) && isInForce(a, clock(), row.openSince),
    )
    if (held?.userId !== userId && !firing.targetUserIds.includes(userId)) throw notYours()
    return take(firing, userId, 'app', minutes)
  }

  /** Who a link's recipient is in the space, or a refusal the page can show. */
  async function memberOf(spaceId: string, recipient: LinkRecipient, sessionUserId: string | null) {
    if (recipient.kind === 'user') {
      return (await isMember(spaceId, recipient.userId)) ? recipient.userId : null
    }
    if (recipient.kind === 'email') {
      const [row] = await db
        .select({ id: users.id })
        .from(users)
        .innerJoin(memberships, eq(memberships.userId, users.id))
        .where(
          and(eq(users.email, recipient.address.toLowerCase()), eq(memberships.spaceId, spaceId)),
        )
      return row?.id ?? null
    }
    // a Slack message went to a channel, not a person: whoever signs in takes it
    return sessionUserId && (await isMember(spaceId, sessionUserId)) ? sessionUserId : null
  }

  /**
   * The firing and recipient of a link's outbox row (a Slack row went to the channel, `space`);
   * null when the row is gone or went to nobody a link can name.
   */
  async function linkTarget(
    outboxId: string,
  ): Promise<{ firingId: string; recipient: LinkRecipient } | null> {
    const [row] = await db
      .select({ firingId: notificationOutbox.firingId, target: notificationOutbox.target })
      .from(notificationOutbox)
      .where(eq(notificationOutbox.id, outboxId))
    if (!row?.firingId) return null
    const { target } = row
    const recipient: LinkRecipient | null =
      target === 'space'
        ? { kind: 'space' }
        : target.startsWith('user:')
          ? { kind: 'user', userId: target.slice('user:'.length) }
          : target.startsWith('email:')
            ? { kind: 'email', address: target.slice('email:'.length) }
            : null
    return recipient ? { firingId: row.firingId, recipient } : null
  }

  /** Whether a link still shows its ticket: one sent to a member, while they are a member. */
  async function linkOpen(spaceId: string, recipient: LinkRecipient): Promise<boolean> {
    return recipient.kind !== 'user' || isMember(spaceId, recipient.userId)
  }

  /** What the confirm page of a link shows (GET changes nothing). */
  async function previewLink(firingId: string): Promise<LinkPreview> {
    const firing = await firingOf(firingId, null)
    const [ticket] = await db.select().from(tickets).where(eq(tickets.id, firing.ticketId))
    if (!ticket) throw notFound('The ticket of this escalation is gone.')
    const held = ticket.acknowledgements.find(
      (a) => a.chain === chainOf(firing) && isInForce(a, clock(), ticket.openSince),
    )
    return {
      spaceId: firing.spaceId,
      firingId,
      ticketId: ticket.id,
      subject: ticket.subject,
      level: firing.level,
      takenBy: held ? { userId: held.userId, name: await nameOf(held.userId) } : null,
    }
  }

  /**
   * A link's POST (email, Slack). Answers who has it now and who clicked, or null when the
   * recipient is no member of the space (a Slack link without a signed-in member).
   */
  async function acknowledgeByLink(
    firingId: string,
    recipient: LinkRecipient,
    sessionUserId: string | null,
  ): Promise<{ acknowledged: TicketAcknowledgedEvent; by: string } | null> {
    const firing = await firingOf(firingId, null)
    const userId = await memberOf(firing.spaceId, recipient, sessionUserId)
    if (!userId) return null
    const via = recipient.kind === 'space' ? 'slack' : 'email'
    return { acknowledged: await take(firing, userId, via), by: userId }
  }

  /**
   * A text to an inbox's number from a member's phone (SPEC §11.2.1): the reply code of an
   * SMS forward sent to that phone from that number within a day, or `1` for the latest of
   * them, takes it. A short code matching none of that member's forwards is answered as such.
   * Answers null when the text is no reply to a forward (it is then a customer's).
   */
  async function acknowledgeBySms(input: {
    spaceId: string
    inboxId: string
    from: string
    body: string
  }): Promise<
    | { kind: 'taken'; acknowledged: TicketAcknowledgedEvent; subject: string; yours: boolean }
    | { kind: 'unknown_code'; code: string }
    | null
  > {
    const reply = input.body.trim()
    if (!/^\d{1,4}$/.test(reply)) return null
    const phone = normalizePhone(input.from)
    const people = await db
      .select({ id: users.id, phone: users.phone })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(memberships.spaceId, input.spaceId))
    const member = people.find((p) => p.phone && normalizePhone(p.phone) === phone)
    if (!member) return null
    const since = new Date(clock().getTime() - SMS_REPLY_WINDOW_MS)
    const forwards = await db
      .select({ firingId: notificationOutbox.firingId, subject: tickets.subject })
      .from(notificationOutbox)
      .innerJoin(tickets, eq(tickets.id, notificationOutbox.ticketId))
      .where(
        and(
          eq(notificationOutbox.spaceId, input.spaceId),
          eq(notificationOutbox.channel, 'sms'),
          eq(notificationOutbox.event, 'ticket.escalated'),
          eq(tickets.inboxId, input.inboxId),
          gte(notificationOutbox.createdAt, since),
          or(
            eq(notificationOutbox.target, `phone:${phone}`),
            eq(notificationOutbox.target, `user:${member.id}`),
          ),
        ),
      )
      .orderBy(desc(notificationOutbox.createdAt))
      .limit(50)
    // no forward went to this phone: whatever it says is a message like any other
    if (forwards.length === 0) return null
    const matched =
      reply === '1'
        ? forwards[0]
        : forwards.find((f) => f.firingId !== null && smsReplyCode(f.firingId) === reply)
    if (!matched?.firingId) return { kind: 'unknown_code', code: reply }
    const firing = await firingOf(matched.firingId, input.spaceId)
    const acknowledged = await take(firing, member.id, 'sms')
    return {
      kind: 'taken',
      acknowledged,
      subject: matched.subject,
      yours: acknowledged.userId === member.id,
    }
  }

  /** Names for pages and texts: who took it. */
  async function displayName(userId: string): Promise<string> {
    return nameOf(userId)
  }

  return {
    acknowledge,
    snooze,
    letGo,
    linkTarget,
    linkOpen,
    previewLink,
    acknowledgeByLink,
    acknowledgeBySms,
    displayName,
    links: deps.links,
  }
}

export type Acknowledgements = ReturnType<typeof createAcknowledgements>
