// Drawn icons (24×24, currentColor): never emoji, which machines without an emoji font show
// as boxes. Each is decorative; the words beside it carry the meaning.

function Icon({ d, className = 'icon' }: { d: string; className?: string }) {
  return (
    <svg className={className} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path fill="currentColor" d={d} />
    </svg>
  )
}

/** The automatic (ticket) escalation: a clock, because a customer waited too long. */
export function TicketClockIcon() {
  return (
    <Icon d="M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm0 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm1 3v5.4l3.6 2.1-1 1.7L11 13.6V7h2z" />
  )
}

/** A ticket close to missing its SLA: a stopwatch. */
export function StopwatchIcon() {
  return (
    <Icon d="M9 1h6v2H9V1zm10.03 6.39 1.42-1.42-1.41-1.41-1.42 1.42A9 9 0 1 0 21 13a8.96 8.96 0 0 0-1.97-5.61zM12 20a7 7 0 1 1 0-14 7 7 0 0 1 0 14zm-1-12h2v6h-2V8z" />
  )
}

export function CheckIcon() {
  return <Icon d="M9.5 16.2 5.3 12l-1.4 1.4 5.6 5.6L20.1 8.4 18.7 7z" />
}

export function BusyIcon() {
  return <Icon d="M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zM7 11v2h10v-2H7z" />
}

export function AwayIcon() {
  return <Icon d="M11.5 3a9 9 0 1 0 9.4 11.7A7.5 7.5 0 0 1 11.5 3z" />
}

export function ChatIcon() {
  return (
    <Icon d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2zm1 2v12.2L7.3 16H20V5H5z" />
  )
}

export function WalkIcon() {
  return (
    <Icon d="M13.5 5.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM9.8 8.9 7 23h2.1l1.8-8 2.1 2v6h2v-7.5l-2.1-2 .6-3A7.3 7.3 0 0 0 19 13v-2c-1.9 0-3.5-1-4.3-2.4l-1-1.6a2 2 0 0 0-1.7-1c-.3 0-.5 0-.8.1L6 8.3V13h2V9.6l1.8-.7" />
  )
}

export function InboxIcon() {
  return (
    <Icon d="M19 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm0 12h-4a3 3 0 0 1-6 0H5V5h14v10z" />
  )
}

export function MapIcon() {
  return (
    <Icon d="m15 5-6-2-6 2v16l6-2 6 2 6-2V3l-6 2zm-1 13.7-4-1.3V5.3l4 1.3v12.1zM5 6.4l3-1v12.2l-3 1V6.4zm14 11.2-3 1V6.4l3-1v12.2z" />
  )
}

export function PersonIcon() {
  return (
    <Icon d="M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zm0 2c-3.3 0-10 1.7-10 5v3h20v-3c0-3.3-6.7-5-10-5z" />
  )
}

export function CloseIcon() {
  return (
    <Icon d="M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4l5.6 5.6L5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6z" />
  )
}

export function SoundIcon({ on }: { on: boolean }) {
  return on ? (
    <Icon d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z" />
  ) : (
    <Icon d="M16.5 12A4.5 4.5 0 0 0 14 8v2.2l2.5 2.5V12zM19 12c0 .9-.2 1.8-.5 2.6l1.5 1.5A9 9 0 0 0 14 3.2v2.1a7 7 0 0 1 5 6.7zM4.3 3 3 4.3 7.7 9H3v6h4l5 5v-6.7l4.3 4.2c-.7.5-1.4.9-2.3 1.2v2.1a9 9 0 0 0 3.7-1.8L19.7 21 21 19.7 4.3 3zM12 4 9.9 6.1 12 8.2V4z" />
  )
}

export function BellIcon() {
  return (
    <Icon d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1l-2-2z" />
  )
}

export function ExpandIcon() {
  return <Icon d="M7 10l5 5 5-5H7z" />
}

export function CollapseIcon() {
  return <Icon d="M7 14l5-5 5 5H7z" />
}

/** The supervisor's view: bars of a chart. */
export function ChartIcon() {
  return <Icon d="M3 3h2v16h16v2H3V3zm4 9h3v5H7v-5zm5-5h3v10h-3V7zm5 3h3v7h-3v-7z" />
}

/** A menu that opens below its button. */
export function ChevronDownIcon() {
  return <Icon d="M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z" />
}

/** Light or dark: a half-filled circle. */
export function ThemeIcon() {
  return <Icon d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2v16a8 8 0 0 0 0-16z" />
}

/** Leaving: an arrow out of a door. */
export function LogOutIcon() {
  return (
    <Icon d="M5 3h9v2H5v14h9v2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm11 4 5 5-5 5-1.4-1.4 2.6-2.6H9v-2h8.2l-2.6-2.6L16 7z" />
  )
}

/** Back to where you came from. */
export function ArrowBackIcon() {
  return <Icon d="M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z" />
}
