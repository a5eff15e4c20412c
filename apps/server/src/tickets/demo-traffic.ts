import { randomUUID } from 'node:crypto'
import { and, asc, eq } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../db/database.js'
import { appMeta, inboxes } from '../db/schema.js'
import type { InboxRow } from './ticket-repository.js'
import type { TicketService } from './ticket-service.js'

const DEMO_CUSTOMERS = [
  { name: 'Priya Shah', phone: '+15550111' },
  { name: 'Tom Becker', phone: '+15550112' },
  { name: 'Lucia Romero', phone: '+15550113' },
  { name: 'Kenji Watanabe', phone: '+15550114' },
  { name: 'Amara Obi', phone: '+15550115' },
  { name: 'Sven Lund', phone: '+15550116' },
] as const

const DEMO_MESSAGES = [
  'Hi, my order #4821 still shows as processing. Can you check?',
  'I was charged twice this month, please help.',
  'How do I change the address on my account?',
  'The app logs me out every few minutes.',
  'Can I move my appointment to Thursday?',
  'My package says delivered but it is not here.',
  'hello??',
  'Any update on this?',
  'Thanks, that worked!',
  'Is there someone I can talk to today?',
  // sets off the keyword trigger (SPEC §11.1.1): it flares up at once
  'This is the third time I write. I want to talk to a manager.',
]

export interface DemoTrafficDeps {
  db: Db
  log: FastifyBaseLogger
  service: TicketService
  minDelayMs?: number
  maxDelayMs?: number
}

/** The demo space's inbox: the one the seed made, found through the seed's own record. */
async function findDemoInbox(db: Db): Promise<InboxRow | null> {
  const [meta] = await db.select().from(appMeta).where(eq(appMeta.key, 'demo_seeded'))
  const spaceId = (meta?.value as { spaceId?: string } | undefined)?.spaceId
  if (!spaceId) return null
  const rows = await db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.spaceId, spaceId)))
    .orderBy(asc(inboxes.createdAt))
  return rows.find((r) => r.channelAddress === '+15550100') ?? rows[0] ?? null
}

/**
 * Simulated customers texting the demo inbox every 20–60 s, through the same inbound path as
 * a real SMS provider, so a newcomer can watch tickets arrive and wait.
 */
export function createDemoTraffic(deps: DemoTrafficDeps) {
  const min = deps.minDelayMs ?? 20_000
  const max = deps.maxDelayMs ?? 60_000
  let timer: NodeJS.Timeout | null = null
  let stopped = false

  function schedule(delay: number): void {
    if (stopped) return
    timer = setTimeout(() => void send(), delay)
    timer.unref()
  }

  async function send(): Promise<void> {
    try {
      const inbox = await findDemoInbox(deps.db)
      if (!inbox) {
        deps.log.warn('demo traffic: no demo inbox in this database; stopping')
        return
      }
      const customer = DEMO_CUSTOMERS[Math.floor(Math.random() * DEMO_CUSTOMERS.length)]!
      const body = DEMO_MESSAGES[Math.floor(Math.random() * DEMO_MESSAGES.length)]!
      const result = await deps.service.receiveInbound({
        inbox,
        customer,
        body,
        providerMessageId: `demo-${randomUUID()}`,
      })
      deps.log.info(
        { ticketId: result.ticketId, created: result.ticketCreated },
        `demo traffic: ${customer.name} wrote in`,
      )
    } catch (error) {
      deps.log.error({ err: error }, 'demo traffic: sending a message failed')
    }
    schedule(min + Math.random() * (max - min))
  }

  return {
    start(firstDelayMs = 5_000): void {
      if (timer || stopped) return
      deps.log.info('demo traffic is on: simulated customers write in every 20–60 s')
      schedule(firstDelayMs)
    },
    stop(): void {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}
