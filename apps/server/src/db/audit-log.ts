import type { AuditKind } from '@flare/protocol'
import type { Tx } from '../tickets/ticket-repository.js'
import { auditLog } from './schema.js'

/** One change of a rule or a setting, as `GET …/audit` shows it (SPEC §8.4). */
export interface AuditEntry {
  spaceId: string
  actorUserId: string | null
  action: 'create' | 'update' | 'delete'
  kind: AuditKind
  entityId: string | null
  /** What it was and what it became, as JSON; never a secret. */
  before: unknown
  after: unknown
  at: Date
}

/** Writes an audit entry; call it in the transaction that makes the change. */
export async function writeAuditEntry(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    spaceId: entry.spaceId,
    actorUserId: entry.actorUserId,
    action: entry.action,
    entity: entry.kind,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    at: entry.at,
  })
}
