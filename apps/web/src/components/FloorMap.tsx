import type { MemberPresence, SpaceDto } from '@flare/protocol'
import { type KeyboardEvent, type MouseEvent, useRef, useState } from 'react'
import { EscalationList } from '../escalations/EscalationList.js'
import { EscalationPopups } from '../escalations/EscalationPopups.js'
import { EscalationToolbar } from '../escalations/EscalationToolbar.js'
import { moveTo } from '../socket.js'
import { useFlare } from '../store/index.js'

export function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts
  return letters.map((p) => [...(p ?? '')][0]?.toUpperCase() ?? '').join('')
}

/** World units one arrow-key press walks. */
export const STEP = 24
const ZOOMS = [0.5, 0.75, 1, 1.5, 2] as const
const KEY_STEPS: Record<string, [number, number]> = {
  ArrowUp: [0, -STEP],
  ArrowDown: [0, STEP],
  ArrowLeft: [-STEP, 0],
  ArrowRight: [STEP, 0],
}

function clampTo(space: SpaceDto, x: number, y: number): [number, number] {
  return [
    Math.round(Math.min(space.mapWidth - 24, Math.max(24, x))),
    Math.round(Math.min(space.mapHeight - 24, Math.max(24, y))),
  ]
}

function Avatar({
  member,
  isMe,
  roomName,
}: {
  member: MemberPresence
  isMe: boolean
  roomName: string | null
}) {
  const label = `${member.displayName}${isMe ? ' (you)' : ''}, ${member.status}${roomName ? `, in ${roomName}` : ''}${
    member.connected ? '' : ', reconnecting'
  }`
  return (
    // focusable so a keyboard user can read each name, as a mouse user does by hovering
    // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an avatar is a picture of a person, named on focus
    <g
      className={`avatar status-${member.status}${isMe ? ' me' : ''}${member.connected ? '' : ' dropped'}`}
      style={{ transform: `translate(${member.x}px, ${member.y}px)` }}
      data-user-id={member.userId}
      data-x={member.x}
      data-y={member.y}
      tabIndex={0}
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <circle className="face" r={24} />
      <text textAnchor="middle" dy="0.35em">
        {initialsOf(member.displayName)}
      </text>
      <circle className="status-dot" cx={17} cy={17} r={7} />
      <text className="name-label" textAnchor="middle" y={44}>
        {member.displayName}
      </text>
    </g>
  )
}

/**
 * The office floor: meeting rooms as labelled areas and an avatar for everyone present.
 * Click to walk there, or focus the map and use the arrow keys; zoom when it is larger than
 * the view and scroll to pan.
 */
export function FloorMap({ space }: { space: SpaceDto }) {
  const snapshot = useFlare((s) => s.snapshot)
  const svgRef = useRef<SVGSVGElement>(null)
  const [zoom, setZoom] = useState<number | 'fit'>('fit')

  const me = snapshot?.members.find((m) => m.userId === snapshot.you) ?? null
  const rooms = new Map(snapshot?.rooms.map((r) => [r.id, r.name]) ?? [])

  function walk(x: number, y: number) {
    const [cx, cy] = clampTo(space, x, y)
    moveTo(cx, cy)
  }

  function onClick(event: MouseEvent<SVGSVGElement>) {
    const svg = svgRef.current
    const matrix = svg?.getScreenCTM()
    if (!svg || !matrix) return
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse())
    walk(point.x, point.y)
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const step = KEY_STEPS[event.key]
    if (!step || !me) return
    event.preventDefault()
    walk(me.x + step[0], me.y + step[1])
  }

  const zoomIndex = zoom === 'fit' ? -1 : ZOOMS.indexOf(zoom as (typeof ZOOMS)[number])
  const width = zoom === 'fit' ? undefined : space.mapWidth * zoom

  return (
    <section className="floor" aria-label={`${space.name} floor`}>
      <EscalationList />
      <div className="zoom" role="toolbar" aria-label="Zoom">
        <button
          type="button"
          className="secondary"
          aria-label="Zoom out"
          disabled={zoomIndex === 0}
          onClick={() => setZoom(ZOOMS[Math.max(0, (zoomIndex < 0 ? 2 : zoomIndex) - 1)] ?? 1)}
        >
          −
        </button>
        <button
          type="button"
          className="secondary"
          aria-pressed={zoom === 'fit'}
          onClick={() => setZoom('fit')}
        >
          Fit
        </button>
        <button
          type="button"
          className="secondary"
          aria-label="Zoom in"
          disabled={zoomIndex === ZOOMS.length - 1}
          onClick={() =>
            setZoom(ZOOMS[Math.min(ZOOMS.length - 1, (zoomIndex < 0 ? 2 : zoomIndex) + 1)] ?? 1)
          }
        >
          +
        </button>
      </div>
      <div
        className={`viewport${zoom === 'fit' ? ' fit' : ''}`}
        // one keyboard control for the whole map: the arrow keys walk your avatar
        role="application"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: an application region takes the keyboard
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-label="Map. Arrow keys walk your avatar; click a spot to walk there."
        data-testid="map"
      >
        <div className="map-stage" style={width ? { width } : undefined}>
          {/* biome-ignore lint/a11y/useKeyWithClickEvents: the arrow keys on the map around it do what a click does */}
          <svg
            className="map-svg"
            ref={svgRef}
            viewBox={`0 0 ${space.mapWidth} ${space.mapHeight}`}
            width={width}
            onClick={onClick}
          >
            <title>{`Map of ${space.name}`}</title>
            <rect
              className="floor-bg"
              x={0}
              y={0}
              width={space.mapWidth}
              height={space.mapHeight}
            />
            {snapshot?.rooms.map((room) => (
              <g key={room.id} className="room">
                <rect x={room.x} y={room.y} width={room.width} height={room.height} rx={12} />
                <text x={room.x + 16} y={room.y + 32}>
                  {room.name}
                </text>
              </g>
            ))}
            {snapshot?.members.map((member) => (
              <Avatar
                key={member.userId}
                member={member}
                isMe={member.userId === snapshot.you}
                roomName={member.roomId ? (rooms.get(member.roomId) ?? null) : null}
              />
            ))}
          </svg>
          <EscalationPopups space={space} />
        </div>
      </div>
      <EscalationToolbar />
    </section>
  )
}
