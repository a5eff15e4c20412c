import { type EscalationHistoryEntryDto, TRIGGER_LABEL } from '@flare/protocol/client'
import { RelativeTime } from '../layout/RelativeTime.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * How an entry's `escalatedTo` reads: a member's or group's name, an email or phone as it is,
 * and never a raw id (one that names nobody in the space any more reads as such).
 */
function whom(to: string | null | undefined, names: Map<string, string>): string {
  if (!to) return 'nobody online'
  return to
    .split(',')
    .map((raw) => {
      const part = raw.trim()
      return names.get(part) ?? (UUID.test(part) ? 'someone no longer in the space' : part)
    })
    .join(', ')
}

/** A ticket's escalations, newest first (SPEC §6.3.5): level, rule, when, to whom and why. */
export function EscalationHistory({
  history,
  names,
}: {
  history: readonly EscalationHistoryEntryDto[]
  names: Map<string, string>
}) {
  if (history.length === 0) return null
  const entries = [...history].sort((a, b) => b.escalatedAt.localeCompare(a.escalatedAt))
  return (
    <details className="escalation-history" open>
      <summary>
        Escalations <span className="badge">{history.length}</span>
      </summary>
      <ol aria-label="Escalation history">
        {entries.map((e) => (
          <li key={`${e.escalatedAt}-${e.ruleId ?? ''}-${e.level}`}>
            <div className="escalation-history-head">
              <span className="tag escalation-level">Level {e.level}</span>
              {e.trigger && (
                <span className="tag escalation-trigger">{TRIGGER_LABEL[e.trigger]}</span>
              )}
              <span className="escalation-history-rule">
                {e.ruleName ?? (e.ruleId ? 'A rule' : 'By hand')}
              </span>
              <span className="muted small">
                <RelativeTime iso={e.escalatedAt} />
              </span>
            </div>
            <p className="small">
              To {whom(e.escalatedTo, names)}
              {e.escalatedFrom && e.escalatedFrom !== e.escalatedTo
                ? ` (assigned to ${whom(e.escalatedFrom, names)})`
                : ''}
              {e.reason ? `: ${e.reason}` : ''}
            </p>
          </li>
        ))}
      </ol>
    </details>
  )
}
