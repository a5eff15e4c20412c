import { eq } from 'drizzle-orm'
import { inboxes, notificationOutbox, ticketMessages } from '../db/schema.js'
import type { MessageRow, TicketRow, Tx } from '../tickets/ticket-repository.js'
import { notifyOutbox } from './outbox-signal.js'

/** An inbox whose address is a phone number is a text number: its customers are texted back. */
function isTextNumber(address: string | null): address is string {
  return address !== null && /^\+?[0-9]{3,20}$/.test(address)
}

/**
 * A staff reply on a ticket of an SMS inbox goes to the customer through the `sms` channel,
 * from the inbox's number (SPEC §7). Called in the reply's own transaction, so the reply and
 * its outbox row are stored together or not at all; answers the message with its delivery
 * state (`sending`), or as it was when nothing is sent.
 */
export async function queueCustomerReply(
  tx: Tx,
  ticket: TicketRow,
  message: MessageRow,
): Promise<MessageRow> {
  if (message.internal || message.authorKind !== 'staff' || !ticket.customerPhone) return message
  const [inbox] = await tx
    .select({ channelAddress: inboxes.channelAddress })
    .from(inboxes)
    .where(eq(inboxes.id, ticket.inboxId))
  if (!isTextNumber(inbox?.channelAddress ?? null)) return message
  const [row] = await tx
    .insert(notificationOutbox)
    .values({
      spaceId: ticket.spaceId,
      event: 'ticket.reply',
      ticketId: ticket.id,
      messageId: message.id,
      target: `phone:${ticket.customerPhone}`,
      channel: 'sms',
      idempotencyKey: `reply:${message.id}:sms`,
      createdAt: message.createdAt,
      updatedAt: message.createdAt,
      queuedAt: message.createdAt,
      nextAttemptAt: message.createdAt,
    })
    .returning({ id: notificationOutbox.id })
  if (!row) throw new Error('the reply was not queued')
  const [updated] = await tx
    .update(ticketMessages)
    .set({ deliveryId: row.id, deliveryState: 'sending', deliveryError: null })
    .where(eq(ticketMessages.id, message.id))
    .returning()
  await notifyOutbox(tx)
  return updated ?? message
}
