import type { EscalationHistoryEntryDto } from '@flare/protocol'

/** How an entry's `escalatedTo` reads: a member's name when it is one of theirs. */
function whom(to: string | null | undefined, names: Map<string, string>): string {
  if (!to) return 'nobody online'
  return to
    .split(',')
    .map((part) => names.get(part.trim()) ?? part.trim())
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
              <span className="escalation-history-rule">
                {e.ruleName ?? (e.ruleId ? 'A rule' : 'By hand')}
              </span>
              <time dateTime={e.escalatedAt} className="muted small">
                {new Date(e.escalatedAt).toLocaleString()}
              </time>
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
