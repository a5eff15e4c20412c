import { useFlare } from '../store/index.js'

/**
 * The Chat tab's badge (the side panel's and the phone's bottom navigation's): how many messages
 * are unread, led by an "@" when one of them mentions you, so a mention is not one more count.
 */
export function ChatUnreadBadge({ className = 'badge' }: { className?: string }) {
  const unread = useFlare((s) => Object.values(s.chatThreads).reduce((sum, t) => sum + t.unread, 0))
  const mentioned = useFlare((s) => Object.values(s.chatThreads).some((t) => t.mentioned))
  if (unread === 0) return null
  return (
    <span className={mentioned ? `${className} chat-badge-mention` : className}>
      {mentioned && <span aria-hidden="true">@ </span>}
      {unread > 99 ? '99+' : unread}{' '}
      <span className="sr-only">{mentioned ? 'unread, one mentions you' : 'unread'}</span>
    </span>
  )
}
