import type { TicketDto } from '@flare/protocol'

/**
 * A ticket as the server lists it: an open one from 10:00, nobody on it, no SLA, its customer
 * waiting since it came in. Each test names what it is about in `fields`.
 */
export function ticketFixture(fields: Partial<TicketDto> & Pick<TicketDto, 'id'>): TicketDto {
  return {
    spaceId: '0b6c7a52-0000-4000-8000-000000000090',
    inboxId: '0b6c7a52-0000-4000-8000-000000000080',
    subject: 'Payment page down',
    customer: { name: 'Priya Shah', email: null, phone: '+15550111' },
    status: 'open',
    holdUntil: null,
    priority: 'medium',
    category: null,
    assignedToUserId: null,
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    openSince: '2026-11-23T10:00:00.000Z',
    waitingSince: '2026-11-23T10:00:00.000Z',
    escalationLevel: 0,
    lastEscalatedAt: null,
    escalationHistory: [],
    acknowledgements: [],
    lastMessageAt: null,
    preview: '',
    firstResponseAt: null,
    resolvedAt: null,
    slaStatus: null,
    firstResponseTime: null,
    slaDueAt: null,
    ...fields,
  }
}
