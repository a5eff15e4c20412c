import { lazy, Suspense } from 'react'
import { useIdlePreload } from '../layout/useIdlePreload.js'

const load = () => import('./ChatPanel.js').then((m) => ({ default: m.ChatPanel }))
const ChatPanel = lazy(load)

/** Fetches the chat's code once the page is idle, so opening Chat does not wait for it. */
export function useChatPreload(): void {
  useIdlePreload(load)
}

/**
 * The chat panel, its code (threads, the composer, mention suggestions) kept out of the first
 * page load's JavaScript (SPEC §10's budget): most pages open on the map and its hands.
 */
export function LazyChatPanel() {
  return (
    <Suspense
      fallback={
        <p className="muted" aria-busy="true">
          Loading chats…
        </p>
      }
    >
      <ChatPanel />
    </Suspense>
  )
}
