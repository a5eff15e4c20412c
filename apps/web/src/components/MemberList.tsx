import { Face } from '../layout/Face.js'
import { STATUS_WORD } from '../layout/people.js'
import { countOf } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { StatusIcon } from './StatusIcon.js'

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
      <h2 id="here-now">
        Here now <span className="muted small">{countOf(members.length, 'person', 'people')}</span>
      </h2>
      <ul className="members">
        {members.map((m) => (
          <li key={m.userId}>
            <Face
              userId={m.userId}
              name={m.displayName}
              className={`member-avatar status-${m.status}`}
            />
            <span className="name">
              {m.displayName}
              {m.userId === snapshot.you && ' (you)'}
            </span>
            <span className={`member-status status-${m.status}`}>
              <StatusIcon status={m.status} />
              {STATUS_WORD[m.status]}
              {m.roomId && ` · in ${rooms.get(m.roomId) ?? 'a room'}`}
              {!m.connected && ' · reconnecting'}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
