import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MEMBER_ROLES } from './api.js'
import type { MemberPresence, PresenceUpdate } from './events.js'
import { PresenceUpdate as PresenceUpdateSchema } from './events.js'
import {
  memberColumns,
  memberOfRow,
  memberRow,
  membersOfColumns,
  PresenceRowKind,
  presenceRow,
  presenceRows,
  presenceUpdateOfRow,
  presenceUpdatesOfRows,
  ROW_ROLES,
  ROW_STATUSES,
} from './presence-codec.js'
import { MemberColumns, MemberRow, PresenceRow } from './presence-rows.js'
import { parse } from './validate.js'

const member = fc.record({
  userId: fc.uuid(),
  displayName: fc.string({ minLength: 1, maxLength: 40 }),
  role: fc.constantFrom(...MEMBER_ROLES),
  x: fc.double({ min: 0, max: 4_000, noNaN: true }),
  y: fc.double({ min: 0, max: 4_000, noNaN: true }),
  status: fc.constantFrom(...ROW_STATUSES),
  roomId: fc.option(fc.uuid(), { nil: null }),
  connected: fc.boolean(),
}) satisfies fc.Arbitrary<MemberPresence>

const update: fc.Arbitrary<PresenceUpdate> = fc.oneof(
  member.map((m) => ({ kind: 'joined' as const, member: m })),
  fc.uuid().map((userId) => ({ kind: 'left' as const, userId })),
  fc.record({
    kind: fc.constant('moved' as const),
    userId: fc.uuid(),
    x: fc.double({ min: 0, max: 4_000, noNaN: true }),
    y: fc.double({ min: 0, max: 4_000, noNaN: true }),
    roomId: fc.option(fc.uuid(), { nil: null }),
  }),
  fc.record({
    kind: fc.constant('status' as const),
    userId: fc.uuid(),
    status: fc.constantFrom(...ROW_STATUSES),
  }),
  fc.uuid().map((userId) => ({ kind: 'away' as const, userId, connected: false as const })),
  fc.uuid().map((userId) => ({ kind: 'back' as const, userId, connected: true as const })),
)

/** A member as a storm sends them: a bench-like name, a desk, no room. */
const AGENT_42: MemberPresence = {
  userId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  displayName: 'Agent 00042',
  role: 'agent',
  x: 412,
  y: 318,
  status: 'available',
  roomId: null,
  connected: true,
}

describe('presence as rows', () => {
  it('[2.5.2] a member survives the row and back, and the row matches its schema', () => {
    fc.assert(
      fc.property(member, (m) => {
        const row = memberRow(m)
        expect(parse(MemberRow, row).ok).toBe(true)
        expect(memberOfRow(row)).toEqual(m)
        // what the wire carries: JSON both ways
        expect(memberOfRow(JSON.parse(JSON.stringify(row)))).toEqual(m)
      }),
      { numRuns: 300 },
    )
  })

  it('[2.5.2] every kind of presence change survives the row and back', () => {
    fc.assert(
      fc.property(update, (u) => {
        expect(parse(PresenceUpdateSchema, u).ok).toBe(true)
        const row = presenceRow(u)
        expect(parse(PresenceRow, row).ok).toBe(true)
        expect(presenceUpdateOfRow(JSON.parse(JSON.stringify(row)))).toEqual(u)
      }),
      { numRuns: 500 },
    )
  })

  it('[2.5.2] members survive columns and back, in order, and the columns match their schema', () => {
    fc.assert(
      fc.property(fc.array(member, { maxLength: 30 }), (members) => {
        const columns = memberColumns(members)
        expect(parse(MemberColumns, columns).ok).toBe(true)
        expect(membersOfColumns(JSON.parse(JSON.stringify(columns)))).toEqual(members)
      }),
      { numRuns: 300 },
    )
  })

  it('[2.5.2] a flush survives presenceRows and back; its joins travel as one columns row', () => {
    // a flush names each member at most once
    const flush = fc
      .uniqueArray(update, {
        maxLength: 20,
        selector: (u) => (u.kind === 'joined' ? u.member.userId : u.userId),
      })
      .filter((us) => us.length > 0)
    fc.assert(
      fc.property(flush, (updates) => {
        const rows = presenceRows(updates)
        for (const row of rows) expect(parse(PresenceRow, row).ok).toBe(true)
        const joins = updates.filter((u) => u.kind === 'joined')
        const many = rows.filter((r) => r[0] === PresenceRowKind.joinedMany)
        expect(many).toHaveLength(joins.length >= 2 ? 1 : 0)
        const back = presenceUpdatesOfRows(JSON.parse(JSON.stringify(rows)))
        // the same changes; each member's own in its place among the non-joins
        const key = (u: (typeof updates)[number]) =>
          u.kind === 'joined' ? u.member.userId : u.userId
        expect([...back].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
          [...updates].sort((a, b) => key(a).localeCompare(key(b))),
        )
        expect(back.filter((u) => u.kind !== 'joined')).toEqual(
          updates.filter((u) => u.kind !== 'joined'),
        )
      }),
      { numRuns: 300 },
    )
  })

  it('[2.5.2] changes naming a member twice keep their order, a row each', () => {
    const m = AGENT_42
    const other = { ...m, userId: '1f8fad5b-d9cb-469f-a165-70867728950e', displayName: 'Ben' }
    const updates: PresenceUpdate[] = [
      { kind: 'left', userId: m.userId },
      { kind: 'joined', member: other },
      { kind: 'joined', member: m },
    ]
    const rows = presenceRows(updates)
    expect(rows.map((r) => r[0])).toEqual([
      PresenceRowKind.left,
      PresenceRowKind.joined,
      PresenceRowKind.joined,
    ])
    expect(presenceUpdatesOfRows(rows)).toEqual(updates)
  })

  it('[2.5.2] numbers every role and status (a new one must be appended to the row lists)', () => {
    expect([...ROW_ROLES].sort()).toEqual([...MEMBER_ROLES].sort())
    expect(ROW_STATUSES).toEqual(['available', 'busy', 'away'])
  })

  it('[2.5.2] a row is less than half the bytes of the same member as an object', () => {
    const m = AGENT_42
    const asObject = JSON.stringify({ kind: 'joined', member: m }).length
    const asRow = JSON.stringify(presenceRow({ kind: 'joined', member: m })).length
    expect(asRow * 2).toBeLessThan(asObject)
    // many members as columns: fewer bytes again than a row each
    const many = Array.from({ length: 100 }, (_, i) => ({
      ...m,
      userId: m.userId.replace(/^.{4}/, String(1000 + i)),
    }))
    const asRows = JSON.stringify(many.map(memberRow)).length
    const asColumns = JSON.stringify(memberColumns(many)).length
    expect(asColumns).toBeLessThan(asRows * 0.95)
  })
})
