import {
  type FloorPlan,
  floorPlan,
  type MemberPresence,
  type SpaceDto,
} from '@flare/protocol/client'
import {
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent,
  type RefObject,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react'
import { EscalatedTicketsChip, TicketFlares } from '../automation/TicketFlares.js'
import { HandPopups } from '../hands/HandPopups.js'
import { avatarColor, initialsOf, useMemberIds, usePictures } from '../layout/people.js'
import { firstName } from '../layout/words.js'
import { moveTo } from '../socket.js'
import { useFlare } from '../store/index.js'
import { FloorArt } from './FloorArt.js'
import {
  type Activity,
  activities,
  LABEL_TOP,
  labelRooms,
  labelScaleFor,
  type MapLabelTexts,
  mapLabelTexts,
} from './map-labels.js'
import {
  type CornerBox,
  fitClearOf,
  fitScale,
  nextZoom,
  officeBounds,
  type Size,
  usedBounds,
  type View,
  viewAround,
  withMargin,
} from './map-view.js'

export { initialsOf }

/** World units one arrow-key press walks. */
export const STEP = 24
const ZOOMS = [0.5, 0.75, 1, 1.5, 2] as const
type Zoom = number | 'fit'
/** The fitted scale assumed before the pane has been measured (first paint, tests). */
const UNMEASURED_FIT = 0.6
/**
 * What floats in the map's corners, as pixels from the corner's edges with a little air: the
 * count of escalated tickets at the top left (up to "99 tickets escalated"), the zoom at the
 * bottom right. A fitted floor keeps its office clear of both, chip or no chip, so a chip's
 * coming never moves the map.
 */
const CORNER_BOXES: readonly CornerBox[] = [
  { corner: 'top-left', width: 200, height: 46 },
  { corner: 'bottom-right', width: 140, height: 50 },
]
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

/** The status badge's drawn icon: a tick, a bar, a moon, so status is never colour alone. */
function StatusGlyph({ status }: { status: MemberPresence['status'] }) {
  if (status === 'available') return <path d="M-4.5 0.5 -1.5 3.5 4.5 -3" className="glyph" />
  if (status === 'busy') return <path d="M-4.5 0 H4.5" className="glyph" />
  return <path d="M1.5 -5 A5 5 0 1 0 5 1.5 A4 4 0 0 1 1.5 -5 Z" className="glyph filled" />
}

function Avatar({
  member,
  isMe,
  roomName,
  color,
  picture,
  clipId,
  activity,
  still = false,
}: {
  still?: boolean
  member: MemberPresence
  isMe: boolean
  roomName: string | null
  color: string
  /** Their profile picture, drawn in the face's circle over the initials. */
  picture: string | null
  clipId: string
  activity: Activity | null
}) {
  const [broken, setBroken] = useState<string | null>(null)
  const shown = picture && picture !== broken ? picture : null
  const doing = activity
    ? `${activity.action === 'approach' ? 'approaching' : 'chatting with'} ${firstName(activity.raiserName)}`
    : null
  const label = `${member.displayName}${isMe ? ' (you)' : ''}, ${member.status}${roomName ? `, in ${roomName}` : ''}${
    member.connected ? '' : ', reconnecting'
  }${doing ? `, ${doing}` : ''}`
  return (
    // focusable so a keyboard user can read each name, as a mouse user does by hovering
    // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an avatar is a picture of a person, named on focus
    <g
      className={`avatar status-${member.status}${isMe ? ' me' : ''}${member.connected ? '' : ' dropped'}`}
      style={{ transform: `translate(${member.x}px, ${member.y}px)` }}
      data-user-id={member.userId}
      data-x={member.x}
      data-y={member.y}
      tabIndex={still ? undefined : 0}
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      {isMe && <circle className="me-halo" r={31} />}
      <circle className="ring" r={25} />
      <circle className="face" r={21} fill={color} />
      {shown ? (
        <image
          className="picture"
          href={shown}
          x={-21}
          y={-21}
          width={42}
          height={42}
          preserveAspectRatio="xMidYMid slice"
          clipPath={`url(#${clipId})`}
          onError={() => setBroken(shown)}
        />
      ) : (
        <text className="initials" textAnchor="middle" dy="0.35em">
          {initialsOf(member.displayName)}
        </text>
      )}
      <g className="status-badge" transform="translate(18 18)">
        <circle r={8.5} />
        <StatusGlyph status={member.status} />
      </g>
    </g>
  )
}

/**
 * An avatar's name and note, drawn in a layer above every avatar, so someone standing close
 * (an approacher beside a raiser) never hides a name. Decorative: the avatar itself carries
 * the same words as its accessible name.
 */
function AvatarLabel({
  member,
  texts,
  enlarged,
}: {
  member: MemberPresence
  texts: MapLabelTexts
  /** How much larger than at a scale of 1 (`labelScaleFor`), from the ring's edge down. */
  enlarged: number
}) {
  return (
    // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an SVG group with no tabindex is not focusable; the avatar carries these words
    <g
      className={`avatar-label status-${member.status}${member.connected ? '' : ' dropped'}`}
      style={{ transform: `translate(${member.x}px, ${member.y}px)` }}
      data-user-id={member.userId}
      aria-hidden="true"
    >
      <g
        transform={
          enlarged === 1
            ? undefined
            : `translate(0 ${LABEL_TOP}) scale(${enlarged}) translate(0 ${-LABEL_TOP})`
        }
      >
        <text className="name-label" textAnchor="middle" y={46}>
          {texts.name}
        </text>
        {texts.note && (
          <text className={`note-label${texts.doing ? ' doing' : ''}`} textAnchor="middle" y={62}>
            {texts.note}
          </text>
        )}
      </g>
    </g>
  )
}

/** The floor plan of the space as loaded: the same one the server seats people by. */
function usePlan(space: SpaceDto): FloorPlan {
  const rooms = useFlare((s) => s.snapshot?.rooms)
  const details = useFlare((s) => (s.space.status === 'ready' ? s.space.value : null))
  const present = useFlare((s) => s.snapshot?.members)
  // present members only matter when the space's member list is not loaded (tests, first paint)
  const fallback = details ? null : present
  return useMemo(
    () =>
      floorPlan({
        mapWidth: space.mapWidth,
        mapHeight: space.mapHeight,
        rooms: rooms ?? [],
        teams: details?.groups ?? [],
        members: details?.members ?? fallback ?? [],
      }),
    [space.mapWidth, space.mapHeight, rooms, details, fallback],
  )
}

/**
 * The width-to-height ratio of what the office's floor uses (zones and rooms; people walking
 * about do not change it), for a layout that gives the map the height its shape needs.
 */
export function useFloorRatio(space: SpaceDto): number {
  const plan = usePlan(space)
  const rooms = useFlare((s) => s.snapshot?.rooms)
  const bounds = usedBounds(plan, rooms ?? [], [], {
    width: space.mapWidth,
    height: space.mapHeight,
  })
  // rounded: a style that changes only when the floor does
  return Math.round((bounds.width / bounds.height) * 100) / 100
}

/** The content size of an element, kept current as it resizes; zero until measured. */
function useSize(ref: RefObject<HTMLElement | null>): Size {
  const [size, setSize] = useState<Size>({ width: 0, height: 0 })
  useEffect(() => {
    const element = ref.current
    if (!element || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return
      const { width, height } = entry.contentRect
      setSize((s) =>
        Math.abs(s.width - width) < 0.5 && Math.abs(s.height - height) < 0.5
          ? s
          : { width, height },
      )
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref])
  return size
}

/** People with a hand up are drawn last, so whoever walks up to them never hides them. */
function drawOrder(members: readonly MemberPresence[], raisers: ReadonlySet<string>) {
  return [...members].sort((a, b) => Number(raisers.has(a.userId)) - Number(raisers.has(b.userId)))
}

/**
 * The office floor: team areas, desks, meeting rooms, and an avatar for everyone present.
 * Click to walk there, or focus the map and use the arrow keys; zoom floats inside the map.
 * `mini` draws it small and still (the inbox's live mini-map): no zoom, no walking, no names.
 */
export function FloorMap({
  space,
  mini = false,
  initialZoom = 'fit',
}: {
  space: SpaceDto
  mini?: boolean
  initialZoom?: Zoom
}) {
  const snapshot = useFlare((s) => s.snapshot)
  const svgRef = useRef<SVGSVGElement>(null)
  const viewportRef = useRef<HTMLDivElement>(null)
  const [zoom, setZoom] = useState<Zoom>(mini ? 'fit' : initialZoom)
  const plan = usePlan(space)
  const memberIds = useMemberIds()
  const pane = useSize(viewportRef)
  const clipId = `face-clip${useId().replace(/:/g, '')}`
  const pictures = usePictures()
  const measured = pane.width > 0 && pane.height > 0

  const me = snapshot?.members.find((m) => m.userId === snapshot.you) ?? null
  const rooms = new Map(snapshot?.rooms.map((r) => [r.id, r.name]) ?? [])
  const nameOf = (id: string) =>
    snapshot?.members.find((m) => m.userId === id)?.displayName ?? 'someone'
  const doing = activities(snapshot?.escalations ?? [], nameOf)
  const meAt = me ? `${me.x},${me.y}` : null
  const raisers = new Set(snapshot?.escalations.map((e) => e.raisedBy) ?? [])

  const map: Size = { width: space.mapWidth, height: space.mapHeight }
  // what the office uses: fitted, it fills the pane; the floor runs on to the pane's edges
  const office = officeBounds(plan, snapshot?.rooms ?? [], snapshot?.members ?? [], map)
  const bounds = withMargin(office, map)
  const fitted = measured
    ? mini
      ? fitScale(bounds, pane)
      : fitClearOf(bounds, office, pane, CORNER_BOXES)
    : UNMEASURED_FIT
  let view: View
  let stage: Size | null
  if (mini || zoom === 'fit') {
    view = measured && !mini ? viewAround(bounds, pane, fitted) : bounds
    stage = measured && !mini ? pane : null
  } else {
    stage = {
      width: Math.max(pane.width, map.width * zoom),
      height: Math.max(pane.height, map.height * zoom),
    }
    view = viewAround({ x: 0, y: 0, ...map }, stage, zoom)
  }
  const scale = zoom === 'fit' ? fitted : zoom
  // a small map draws its labels larger, and fits them to neighbours at that size
  const labelScale = labelScaleFor(scale)
  const present = snapshot?.members
  const labelRoom = useMemo(() => labelRooms(present ?? [], labelScale), [present, labelScale])
  // what is written under each person: drawn here, and kept clear of by the pop-ups
  const labels = new Map<string, MapLabelTexts>(
    mini
      ? []
      : (present ?? []).map((m) => [
          m.userId,
          mapLabelTexts(
            m,
            doing.get(m.userId) ?? null,
            labelRoom.get(m.userId) ?? Number.POSITIVE_INFINITY,
          ),
        ]),
  )

  // zoomed in (the phone's readable zoom), keep your own avatar in view on first paint
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when zoom changes or we first appear
  useEffect(() => {
    if (zoom === 'fit' || !me) return
    const viewport = viewportRef.current
    if (!viewport) return
    viewport.scrollTo?.({
      left: (me.x - view.x) * zoom - viewport.clientWidth / 2,
      top: (me.y - view.y) * zoom - viewport.clientHeight / 2,
    })
  }, [zoom, meAt === null])

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

  // zooming never goes below fitting: that would only show more empty floor
  const zoomIn = nextZoom(ZOOMS, scale, 'in')
  const zoomOut: Zoom | null =
    zoom === 'fit'
      ? null
      : (nextZoom(
          ZOOMS.filter((z) => z > fitted * 1.01),
          scale,
          'out',
        ) ?? 'fit')
  const stageStyle = {
    '--map-ratio': view.width / view.height,
    ...(stage ? { width: stage.width, height: stage.height } : {}),
  } as CSSProperties

  const lines = (snapshot?.escalations ?? []).flatMap((e) => {
    const raiser = snapshot?.members.find((m) => m.userId === e.raisedBy)
    if (!raiser) return []
    return e.responses
      .filter((r) => r.action === 'approach')
      .flatMap((r) => {
        const responder = snapshot?.members.find((m) => m.userId === r.userId)
        return responder ? [{ key: `${e.id}-${r.userId}`, from: responder, to: raiser }] : []
      })
  })

  const svg = (
    <svg
      className="map-svg"
      ref={svgRef}
      viewBox={`${view.x} ${view.y} ${view.width} ${view.height}`}
      width={zoom === 'fit' ? undefined : (stage?.width ?? map.width * zoom)}
      onClick={mini ? undefined : onClick}
      aria-hidden={mini || undefined}
    >
      <title>{`Map of ${space.name}`}</title>
      <defs>
        <clipPath id={clipId}>
          <circle r={21} />
        </clipPath>
      </defs>
      <rect className="floor-bg" {...view} />
      <FloorArt plan={plan} rooms={snapshot?.rooms ?? []} mapHeight={space.mapHeight} />
      {lines.map((l) => (
        <line
          key={l.key}
          className="approach-line"
          x1={l.from.x}
          y1={l.from.y}
          x2={l.to.x}
          y2={l.to.y}
        />
      ))}
      {drawOrder(snapshot?.members ?? [], raisers).map((member) => (
        <Avatar
          key={member.userId}
          member={member}
          isMe={member.userId === snapshot?.you}
          roomName={member.roomId ? (rooms.get(member.roomId) ?? null) : null}
          color={avatarColor(member.userId, memberIds)}
          picture={pictures.get(member.userId) ?? null}
          clipId={clipId}
          activity={doing.get(member.userId) ?? null}
          still={mini}
        />
      ))}
      {!mini &&
        drawOrder(snapshot?.members ?? [], raisers).map((member) => (
          <AvatarLabel
            key={member.userId}
            member={member}
            enlarged={labelScale}
            texts={
              labels.get(member.userId) ?? { name: member.displayName, note: null, doing: false }
            }
          />
        ))}
    </svg>
  )

  if (mini) {
    return (
      <div className="map-stage mini" style={stageStyle}>
        {svg}
        <TicketFlares view={view} plan={plan} compact />
        <HandPopups view={view} compact />
      </div>
    )
  }

  return (
    <section className="floor" aria-label={`${space.name} floor`}>
      <div
        ref={viewportRef}
        className={`viewport${zoom === 'fit' ? ' fit' : ''}`}
        // one keyboard control for the whole map: the arrow keys walk your avatar
        role="application"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: an application region takes the keyboard
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-label="Map. Arrow keys walk your avatar; click a spot to walk there."
        aria-roledescription="office map"
        data-testid="map"
      >
        <div className="map-stage" style={stageStyle}>
          {svg}
          <TicketFlares view={view} plan={plan} />
          <HandPopups view={view} labels={labels} labelScale={labelScale} />
        </div>
      </div>
      <EscalatedTicketsChip />
      <div className="zoom" role="toolbar" aria-label="Zoom">
        <button
          type="button"
          className="secondary"
          aria-label="Zoom out"
          disabled={zoomOut === null}
          onClick={() => zoomOut !== null && setZoom(zoomOut)}
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
          disabled={zoomIn === null}
          onClick={() => zoomIn !== null && setZoom(zoomIn)}
        >
          +
        </button>
      </div>
    </section>
  )
}
