import { applyRuleDefaults, type EscalationRuleFields, type MemberRole } from '@flare/protocol'
import { eq, sql } from 'drizzle-orm'
import { normaliseEmail } from '../auth/identity.js'
import { hashPassword } from '../auth/passwords.js'
import type { Database } from '../db/database.js'
import {
  appMeta,
  escalationRules,
  groupMembers,
  groups,
  inboxAdmins,
  inboxes,
  meetingRooms,
  memberships,
  spaces,
  ticketMessages,
  tickets,
  users,
} from '../db/schema.js'
import { storeDueInstants } from '../scheduling/due-instants.js'

/** Every demo account shares this password; the logins are printed on each start. */
export const DEMO_PASSWORD = 'flare-demo'

interface DemoPerson {
  key: string
  displayName: string
  email: string
  role: MemberRole
  manager?: string
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { key: 'ada', displayName: 'Ada Admin', email: 'admin@flare.test', role: 'admin' },
  {
    key: 'max',
    displayName: 'Max Manager',
    email: 'manager@flare.test',
    role: 'manager',
    manager: 'ada',
  },
  {
    key: 'dana',
    displayName: 'Dana Reyes',
    email: 'dana@flare.test',
    role: 'agent',
    manager: 'max',
  },
  { key: 'eli', displayName: 'Eli Novak', email: 'eli@flare.test', role: 'agent', manager: 'max' },
  {
    key: 'fatima',
    displayName: 'Fatima Khan',
    email: 'fatima@flare.test',
    role: 'agent',
    manager: 'max',
  },
  { key: 'gus', displayName: 'Gus Okafor', email: 'gus@flare.test', role: 'agent', manager: 'max' },
]

export interface DemoLogins {
  spaceName: string
  password: string
  people: ReadonlyArray<{ email: string; role: MemberRole; displayName: string }>
}

const SEEDED_KEY = 'demo_seeded'

/**
 * Seeds the demo space into an empty database, once. A database that has any user, or that
 * was seeded before, is left exactly as it is. Returns the demo logins when the demo exists.
 */
export async function seedDemo(database: Database): Promise<DemoLogins | null> {
  const { db } = database
  const [seeded] = await db.select().from(appMeta).where(eq(appMeta.key, SEEDED_KEY))
  if (!seeded) {
    const [{ count } = { count: 0 }] = await db
      .select({ count: sql<number>`count(*)::int` })
      .from(users)
    if (count > 0) return null
    const hashed = await hashPassword(DEMO_PASSWORD)
    await db.transaction(async (tx) => {
      const [space] = await tx
        .insert(spaces)
        .values({
          name: 'Contact Center',
          mapWidth: 1600,
          mapHeight: 1000,
          timezone: 'Europe/London',
        })
        .returning()
      if (!space) throw new Error('demo space was not created')
      const ids = new Map<string, string>()
      for (const person of DEMO_PEOPLE) {
        const [row] = await tx
          .insert(users)
          .values({
            email: normaliseEmail(person.email),
            displayName: person.displayName,
            passwordHash: hashed,
          })
          .returning({ id: users.id })
        if (!row) throw new Error('demo user was not created')
        ids.set(person.key, row.id)
      }
      const id = (key: string) => {
        const value = ids.get(key)
        if (!value) throw new Error(`no demo person ${key}`)
        return value
      }
      await tx.insert(memberships).values(
        DEMO_PEOPLE.map((p) => ({
          spaceId: space.id,
          userId: id(p.key),
          role: p.role,
          managerUserId: p.manager ? id(p.manager) : null,
        })),
      )
      const [tier1, supervisors] = await tx
        .insert(groups)
        .values([
          { spaceId: space.id, name: 'Tier 1 support', handle: 'tier1', number: 1 },
          { spaceId: space.id, name: 'Supervisors', handle: 'supervisors', number: 2 },
        ])
        .returning()
      if (!tier1 || !supervisors) throw new Error('demo groups were not created')
      await tx
        .insert(groupMembers)
        .values([
          ...['dana', 'eli', 'fatima', 'gus'].map((k) => ({ groupId: tier1.id, userId: id(k) })),
          ...['ada', 'max'].map((k) => ({ groupId: supervisors.id, userId: id(k) })),
        ])
      await tx.insert(meetingRooms).values([
        { spaceId: space.id, name: 'Huddle Room', x: 80, y: 80, width: 360, height: 240 },
        { spaceId: space.id, name: 'Training Room', x: 1160, y: 80, width: 360, height: 240 },
      ])
      const [inbox] = await tx
        .insert(inboxes)
        .values({
          spaceId: space.id,
          name: 'Support SMS',
          channelAddress: '+15550100',
          // its webhook secret comes from the column's default: random per database
          calendar: {
            mode: 'same',
            timezone: 'Europe/London',
            workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
            start: '09:00',
            end: '17:00',
          },
        })
        .returning()
      if (!inbox) throw new Error('demo inbox was not created')
      await tx.insert(inboxAdmins).values([{ inboxId: inbox.id, userId: id('max') }])
      await tx.insert(escalationRules).values(
        demoRules(inbox.id, supervisors.id).map((definition) => ({
          spaceId: space.id,
          inboxId: inbox.id,
          definition,
          createdBy: id('ada'),
          updatedBy: id('ada'),
        })),
      )
      await seedSampleTickets(tx, space.id, inbox.id, id('dana'))
      await tx.insert(appMeta).values({ key: SEEDED_KEY, value: { spaceId: space.id } })
    })
  }
  const [space] = await db.select({ name: spaces.name }).from(spaces).limit(1)
  return {
    spaceName: space?.name ?? 'Contact Center',
    password: DEMO_PASSWORD,
    people: DEMO_PEOPLE.map(({ email, role, displayName }) => ({ email, role, displayName })),
  }
}

/**
 * Two escalation levels on the demo inbox, counted in wall-clock minutes so the demo
 * escalates at any hour: the assignee (or the inbox admin) after 5 minutes, @supervisors after 15.
 */
function demoRules(inboxId: string, supervisorsId: string): EscalationRuleFields[] {
  return [
    applyRuleDefaults({
      name: 'Waiting 5 minutes: nudge the assignee',
      description: 'A pop-up with sound for the assignee, or the inbox admins when unassigned.',
      enabled: true,
      inboxId,
      priority: 'all',
      escalateAfterMinutes: 5,
      businessHoursOnly: false,
      escalateTo: 'assigned',
      notificationChannels: ['in_app'],
      addInternalNote: true,
      internalNoteTemplate: 'Escalated to {escalation_target} after {minutes} minutes waiting.',
    }),
    applyRuleDefaults({
      name: 'Waiting 15 minutes: call in @supervisors',
      description: 'The customer has waited a quarter of an hour: the supervisors step in.',
      enabled: true,
      inboxId,
      priority: 'all',
      escalateAfterMinutes: 15,
      businessHoursOnly: false,
      escalateTo: 'team',
      escalateToTeamId: supervisorsId,
      notificationChannels: ['in_app', 'email'],
      addInternalNote: true,
      internalNoteTemplate:
        'Escalated to {escalation_target} (level {level}): waiting {minutes} minutes, rule "{rule_name}".',
    }),
  ]
}

type Tx = Parameters<Parameters<Database['db']['transaction']>[0]>[0]

/**
 * How long the demo's waiting customer has waited when the demo is seeded: the first rule (5
 * minutes, to the inbox admin) fires 2 minutes after the first start, the second (@supervisors,
 * 15 minutes) 12 minutes after it, so a fresh `npm start` shows the escalations happen rather
 * than finding them all fired at once.
 */
export const DEMO_WAITING_MINUTES = 3

/** Two conversations so the inbox is not empty on first look: one waiting, one answered. */
async function seedSampleTickets(tx: Tx, spaceId: string, inboxId: string, danaId: string) {
  const now = Date.now()
  const ago = (minutes: number) => new Date(now - minutes * 60_000)
  const waited = ago(DEMO_WAITING_MINUTES)
  const [waiting, answered] = await tx
    .insert(tickets)
    .values([
      {
        spaceId,
        inboxId,
        subject: 'Order #4821 still processing',
        customerName: 'Priya Shah',
        customerPhone: '+15550111',
        priority: 'high',
        createdAt: waited,
        updatedAt: waited,
        openSince: waited,
        waitingSince: waited,
        lastMessageAt: waited,
        preview: 'Hi, my order #4821 still shows as processing. Can you check?',
      },
      {
        spaceId,
        inboxId,
        subject: 'Change of address',
        customerName: 'Tom Becker',
        customerPhone: '+15550112',
        assignedToUserId: danaId,
        createdAt: ago(30),
        updatedAt: ago(25),
        openSince: ago(30),
        lastMessageAt: ago(25),
        preview: 'Done! You can also change it yourself under Settings → Account.',
      },
    ])
    .returning()
  if (!waiting || !answered) throw new Error('demo tickets were not created')
  // like every ticket write, the seed stores when the rules next look at them (SPEC §6.4): the
  // scheduler wakes for the waiting one on the demo's first start
  await storeDueInstants(tx, [waiting, answered], new Date(now))
  await tx.insert(ticketMessages).values([
    {
      ticketId: waiting.id,
      inboxId,
      authorKind: 'customer',
      body: 'Hi, my order #4821 still shows as processing. Can you check?',
      createdAt: waited,
    },
    {
      ticketId: answered.id,
      inboxId,
      authorKind: 'customer',
      body: 'How do I change the address on my account? I moved last week.',
      createdAt: ago(30),
    },
    {
      ticketId: answered.id,
      inboxId,
      authorKind: 'staff',
      authorUserId: danaId,
      body: 'Done! You can also change it yourself under Settings → Account.',
      createdAt: ago(25),
    },
  ])
}

export function formatDemoLogins(logins: DemoLogins, url: string): string {
  const width = Math.max(...logins.people.map((p) => p.email.length))
  const lines = logins.people.map(
    (p) => `    ${p.email.padEnd(width)}  ${p.role.padEnd(7)}  ${p.displayName}`,
  )
  return [
    '',
    `  Flare demo space "${logins.spaceName}" is ready at ${url}`,
    `  Demo logins (password for all: ${logins.password}):`,
    ...lines,
    '',
  ].join('\n')
}
