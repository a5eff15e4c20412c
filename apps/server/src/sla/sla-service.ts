import {
  applySlaPolicyDefaults,
  type SlaPolicy,
  type SlaPolicyFields,
  validateSlaPolicies,
} from '@flare/protocol'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Clock } from '../auth/identity.js'
import { writeAudit } from '../automation/automation-repository.js'
import type { Db } from '../db/database.js'
import { inboxes, slaPolicies } from '../db/schema.js'
import { badRequest } from '../errors.js'
import type { EventBus } from '../events/domain-events.js'
import { requestRecompute } from '../scheduling/due-instants.js'
import type { Tx } from '../tickets/ticket-repository.js'

type SlaPolicyRow = typeof slaPolicies.$inferSelect

export function toSlaPolicyDto(row: SlaPolicyRow): SlaPolicy {
  return {
    id: row.id,
    spaceId: row.spaceId,
    inboxId: row.inboxId,
    priority: row.priority,
    firstResponseMinutes: row.firstResponseMinutes,
    resolutionMinutes: row.resolutionMinutes,
    businessHours: row.businessHours,
    atRiskPercent: row.atRiskPercent,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  }
}

/** What the audit log keeps of a policy: the fields a `PUT` decides. */
function fieldsOf(policy: SlaPolicy): SlaPolicyFields {
  return {
    inboxId: policy.inboxId,
    priority: policy.priority,
    firstResponseMinutes: policy.firstResponseMinutes,
    resolutionMinutes: policy.resolutionMinutes,
    businessHours: policy.businessHours,
    atRiskPercent: policy.atRiskPercent,
  }
}

/** A space's policies, space-wide ones first, then by inbox, each by priority (urgent first). */
async function listRows(db: Tx, spaceId: string): Promise<SlaPolicyRow[]> {
  return db
    .select()
    .from(slaPolicies)
    .where(eq(slaPolicies.spaceId, spaceId))
    .orderBy(
      sql`${slaPolicies.inboxId} is not null`,
      asc(slaPolicies.inboxId),
      asc(slaPolicies.priority),
    )
}

export interface SlaServiceDeps {
  db: Db
  clock: Clock
  events: EventBus
}

/**
 * SLA policies (SPEC §8.1): read by members, replaced as a set by admins and managers. A
 * change is audited with the set before and after, and asks in its own transaction for the
 * space's open tickets to get new SLA states and due instants in the background.
 */
export function createSlaService(deps: SlaServiceDeps) {
  const { db, clock } = deps

  async function list(spaceId: string): Promise<SlaPolicy[]> {
    return (await listRows(db, spaceId)).map(toSlaPolicyDto)
  }

  async function replace(spaceId: string, userId: string, input: unknown): Promise<SlaPolicy[]> {
    const parsed = validateSlaPolicies(input)
    if (!parsed.ok) throw badRequest(parsed.error.message, parsed.error.field)
    const wanted = parsed.value.policies.map(applySlaPolicyDefaults)
    const named = [...new Set(wanted.flatMap((p) => (p.inboxId ? [p.inboxId] : [])))]
    const known = new Set(
      named.length === 0
        ? []
        : (
            await db
              .select({ id: inboxes.id })
              .from(inboxes)
              .where(and(eq(inboxes.spaceId, spaceId), inArray(inboxes.id, named)))
          ).map((r) => r.id),
    )
    const stranger = wanted.findIndex((p) => p.inboxId !== null && !known.has(p.inboxId))
    if (stranger >= 0) {
      const field = `policies.${stranger}.inboxId`
      throw badRequest(`${field}: no such inbox in this space`, field)
    }
    const at = clock()
    const rows = await db.transaction(async (tx) => {
      // one replacement at a time per space, in every process: the set is replaced whole
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`flare:sla:${spaceId}`}))`)
      const before = (await listRows(tx, spaceId)).map(toSlaPolicyDto)
      await tx.delete(slaPolicies).where(eq(slaPolicies.spaceId, spaceId))
      if (wanted.length > 0) {
        await tx.insert(slaPolicies).values(
          wanted.map((p) => ({
            spaceId,
            ...p,
            createdAt: at,
            updatedAt: at,
            updatedBy: userId,
          })),
        )
      }
      const after = await listRows(tx, spaceId)
      await writeAudit(tx, {
        spaceId,
        actorUserId: userId,
        action: 'update',
        entity: 'sla_policies',
        entityId: spaceId,
        before: before.map(fieldsOf),
        after: after.map((row) => fieldsOf(toSlaPolicyDto(row))),
        at,
      })
      await requestRecompute(tx, spaceId, at)
      return after
    })
    void deps.events.publish('sla.changed', { spaceId })
    return rows.map(toSlaPolicyDto)
  }

  return { list, replace }
}

export type SlaService = ReturnType<typeof createSlaService>
