import type { SpaceDto } from '@flare/protocol'
import { useFlare } from '../store/index.js'

export function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts
  return letters.map((p) => [...(p ?? '')][0]?.toUpperCase() ?? '').join('')
}

/** The office floor: meeting rooms as labelled areas and an avatar for everyone present. */
export function FloorMap({ space }: { space: SpaceDto }) {
  const snapshot = useFlare((s) => s.snapshot)
  return (
    <section className="floor" aria-label={`${space.name} floor`}>
      <svg
        viewBox={`0 0 ${space.mapWidth} ${space.mapHeight}`}
        role="img"
        aria-label="Map of the space"
      >
        <rect className="floor-bg" x={0} y={0} width={space.mapWidth} height={space.mapHeight} />
        {snapshot?.rooms.map((room) => (
          <g key={room.id} className="room">
            <rect x={room.x} y={room.y} width={room.width} height={room.height} rx={12} />
            <text x={room.x + 16} y={room.y + 32}>
              {room.name}
            </text>
          </g>
        ))}
        {snapshot?.members.map((member) => (
          <g
            key={member.userId}
            className={`avatar status-${member.status}${member.userId === snapshot.you ? ' me' : ''}`}
            transform={`translate(${member.x} ${member.y})`}
          >
            <title>{`${member.displayName} (${member.status})`}</title>
            <circle r={24} />
            <text textAnchor="middle" dy="0.35em">
              {initialsOf(member.displayName)}
            </text>
            <circle className="status-dot" cx={17} cy={17} r={7} />
          </g>
        ))}
      </svg>
    </section>
  )
}
