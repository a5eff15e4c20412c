import { useFlare } from '../store/index.js'

/** Who is here now, as text: the same information as the map, for screen readers and skimming. */
export function MemberList() {
  const snapshot = useFlare((s) => s.snapshot)
  if (!snapshot) {
    return (
      <p className="muted" aria-busy="true">
        Connecting to the space…
      </p>
    )
  }
  const rooms = new Map(snapshot.rooms.map((r) => [r.id, r.name]))
  const members = [...snapshot.members].sort((a, b) => a.displayName.localeCompare(b.displayName))
  return (
    <section aria-labelledby="here-now">
      <h2 id="here-now">Here now ({members.length})</h2>
      <ul className="members">
        {members.map((m) => (
          <li key={m.userId}>
            <span className={`dot status-${m.status}`} aria-hidden="true" />
            <span className="name">
              {m.displayName}
              {m.userId === snapshot.you && ' (you)'}
            </span>
            <span className="muted">
              {m.status}
              {m.roomId && ` · in ${rooms.get(m.roomId) ?? 'a room'}`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
