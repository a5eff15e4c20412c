import type { FloorDesk, FloorPlan, FloorZone, RoomDto } from '@flare/protocol/client'
import { memo } from 'react'

// The drawn office under the avatars: team areas with desks, meeting rooms with walls, a door
// and a table, a lounge and a kitchen. World units; all colours come from the theme's tokens
// (see styles.css), so the floor reads in light and dark alike. Purely decorative: the rooms'
// and areas' names are text here, and the people are named by their avatars.

function Desk({ desk }: { desk: FloorDesk }) {
  const monitorY = desk.facing === 'down' ? desk.y + 4 : desk.y + desk.height - 8
  return (
    <g className={desk.userId ? 'desk' : 'desk free'}>
      <circle className="chair" cx={desk.seat.x} cy={desk.seat.y} r={15} />
      <rect x={desk.x} y={desk.y} width={desk.width} height={desk.height} rx={4} />
      <rect
        className="monitor"
        x={desk.x + desk.width / 2 - 16}
        y={monitorY}
        width={32}
        height={4}
        rx={2}
      />
    </g>
  )
}

const LEAF_ANGLES = [0, 60, 120, 180, 240, 300]

/**
 * A potted plant seen from above: a ring of pointed leaves over the pot's rim, so at a glance
 * it never reads as a person or a status dot (both are round and green).
 */
function Plant({ cx, cy, r }: { cx: number; cy: number; r: number }) {
  return (
    <g className="plant">
      <circle className="plant-pot" cx={cx} cy={cy} r={r * 0.62} />
      {LEAF_ANGLES.map((angle) => (
        <ellipse
          key={angle}
          className="plant-leaf"
          cx={cx + r * 0.52}
          cy={cy}
          rx={r * 0.5}
          ry={r * 0.2}
          transform={`rotate(${angle} ${cx} ${cy})`}
        />
      ))}
    </g>
  )
}

function Lounge({ zone }: { zone: FloorZone }) {
  const { x, y, width, height } = zone
  return (
    <g className="furniture">
      <rect
        className="rug"
        x={x + 60}
        y={y + 70}
        width={width - 120}
        height={height - 110}
        rx={18}
      />
      <rect className="sofa" x={x + 40} y={y + 60} width={width - 80} height={28} rx={12} />
      <rect className="sofa" x={x + 40} y={y + 60} width={28} height={height - 100} rx={12} />
      <rect
        className="table"
        x={x + width / 2 - 40}
        y={y + height / 2}
        width={80}
        height={44}
        rx={10}
      />
      <Plant cx={x + width - 40} cy={y + height - 40} r={18} />
      <Plant cx={x + width - 36} cy={y + 70} r={12} />
    </g>
  )
}

function Kitchen({ zone }: { zone: FloorZone }) {
  const { x, y, width, height } = zone
  const tables = [x + width / 3, x + (2 * width) / 3]
  return (
    <g className="furniture">
      <rect className="worktop" x={x + 20} y={y + 44} width={width - 100} height={30} rx={4} />
      <circle className="sink" cx={x + 80} cy={y + 59} r={9} />
      <rect className="worktop" x={x + width - 68} y={y + 44} width={48} height={60} rx={4} />
      {tables.map((cx) => (
        <g key={cx}>
          <circle className="table" cx={cx} cy={y + height / 2 + 40} r={30} />
          {[0, 1, 2, 3].map((i) => (
            <circle
              key={i}
              className="chair"
              cx={cx + 44 * Math.cos((i * Math.PI) / 2)}
              cy={y + height / 2 + 40 + 44 * Math.sin((i * Math.PI) / 2)}
              r={10}
            />
          ))}
        </g>
      ))}
    </g>
  )
}

/** Three phone booths for calls that need quiet: walls, an open front, a shelf and a stool. */
function Booths({ zone }: { zone: FloorZone }) {
  const { x, y } = zone
  const booth = { width: 92, height: 118 }
  const lefts = [x + 26, x + 130, x + 234]
  return (
    <g className="furniture">
      {lefts.map((left) => {
        const top = y + 56
        const front = top + booth.height
        return (
          <g key={left}>
            <rect
              className="booth-floor"
              x={left}
              y={top}
              width={booth.width}
              height={booth.height}
              rx={6}
            />
            {/* three walls; the front stays open as a door */}
            <path
              className="booth-wall"
              d={`M${left} ${front} V${top} H${left + booth.width} V${front}`}
            />
            <rect
              className="worktop"
              x={left + 12}
              y={top + 10}
              width={booth.width - 24}
              height={18}
              rx={3}
            />
            <circle className="chair" cx={left + booth.width / 2} cy={top + 52} r={12} />
          </g>
        )
      })}
      <Plant cx={x + 44} cy={y + 222} r={14} />
      <Plant cx={x + 308} cy={y + 222} r={14} />
    </g>
  )
}

/** Where a supervisor sits down with an agent: a whiteboard, a round table, two armchairs. */
function Coaching({ zone }: { zone: FloorZone }) {
  const { x, y, width } = zone
  const cx = x + width / 2 - 30
  const cy = y + 150
  return (
    <g className="furniture">
      <rect className="whiteboard" x={x + 60} y={y + 48} width={width - 120} height={10} rx={3} />
      <circle className="table" cx={cx} cy={cy} r={34} />
      {[-1, 1].map((side) => (
        <circle key={side} className="chair" cx={cx + side * 56} cy={cy} r={13} />
      ))}
      <circle className="chair" cx={cx} cy={cy + 56} r={13} />
      <rect className="sofa" x={x + width - 86} y={y + 96} width={52} height={48} rx={14} />
      <rect className="sofa" x={x + width - 86} y={y + 164} width={52} height={48} rx={14} />
      <Plant cx={x + 36} cy={y + 222} r={14} />
    </g>
  )
}

function Zone({ zone }: { zone: FloorZone }) {
  return (
    <g className={`zone zone-${zone.kind}`}>
      <rect x={zone.x} y={zone.y} width={zone.width} height={zone.height} rx={16} />
      <text className="zone-label" x={zone.x + 16} y={zone.y + 30}>
        {zone.label}
      </text>
      {zone.desks.map((d) => (
        <Desk key={`${d.x},${d.y}`} desk={d} />
      ))}
      {zone.kind === 'lounge' && <Lounge zone={zone} />}
      {zone.kind === 'kitchen' && <Kitchen zone={zone} />}
      {zone.kind === 'booths' && <Booths zone={zone} />}
      {zone.kind === 'coaching' && <Coaching zone={zone} />}
    </g>
  )
}

/** The door faces the middle of the map, so it opens onto the floor rather than a wall. */
function doorSide(room: RoomDto, mapHeight: number): 'top' | 'bottom' {
  return room.y + room.height / 2 < mapHeight / 2 ? 'bottom' : 'top'
}

const WALL = 8
const DOOR = 64

function Room({ room, mapHeight }: { room: RoomDto; mapHeight: number }) {
  const { x, y, width, height } = room
  const door = doorSide(room, mapHeight)
  const doorX = x + width / 2 - DOOR / 2
  const doorWallY = door === 'bottom' ? y + height : y
  const tableW = Math.min(width * 0.55, 220)
  const tableH = Math.min(height * 0.32, 80)
  const cx = x + width / 2
  const cy = y + height / 2 + 12
  const seats = 3
  return (
    <g className="room">
      <rect className="room-floor" x={x} y={y} width={width} height={height} />
      {/* the walls, leaving a gap for the door */}
      <path
        className="wall"
        d={`M${doorX} ${doorWallY} H${x} V${door === 'bottom' ? y : y + height} H${x + width} V${doorWallY} H${doorX + DOOR}`}
        strokeWidth={WALL}
      />
      <path
        className="door"
        d={
          door === 'bottom'
            ? `M${doorX} ${doorWallY} v${-DOOR} a${DOOR} ${DOOR} 0 0 1 ${DOOR} ${DOOR}`
            : `M${doorX} ${doorWallY} v${DOOR} a${DOOR} ${DOOR} 0 0 0 ${DOOR} ${-DOOR}`
        }
      />
      <rect
        className="screen"
        x={cx - 50}
        y={door === 'bottom' ? y + 12 : y + height - 18}
        width={100}
        height={6}
        rx={3}
      />
      <rect
        className="table"
        x={cx - tableW / 2}
        y={cy - tableH / 2}
        width={tableW}
        height={tableH}
        rx={tableH / 2}
      />
      {Array.from({ length: seats }, (_, i) => {
        const sx = cx - tableW / 2 + ((i + 0.5) * tableW) / seats
        return (
          <g key={sx}>
            <circle className="chair" cx={sx} cy={cy - tableH / 2 - 16} r={11} />
            <circle className="chair" cx={sx} cy={cy + tableH / 2 + 16} r={11} />
          </g>
        )
      })}
      <text className="room-label" x={x + 18} y={y + 34}>
        {room.name}
      </text>
    </g>
  )
}

/** The floor itself, redrawn only when the plan or the rooms change, never as people move. */
export const FloorArt = memo(function FloorArt({
  plan,
  rooms,
  mapHeight,
}: {
  plan: FloorPlan
  rooms: readonly RoomDto[]
  mapHeight: number
}) {
  return (
    <g className="floor-art">
      {plan.zones.map((z) => (
        <Zone key={`${z.x},${z.y}`} zone={z} />
      ))}
      {rooms.map((room) => (
        <Room key={room.id} room={room} mapHeight={mapHeight} />
      ))}
    </g>
  )
})
