import { useFlare } from '../store/index.js'

/**
 * Said plainly while the connection is down and being retried: what is on screen may be out of
 * date and a hand cannot be raised until it is back. It floats over the top of the page, so
 * nothing moves when it comes and goes (the top bar's own "Reconnecting…" is easy to miss).
 */
export function ConnectionLost() {
  const down = useFlare((s) => s.connection.state === 'reconnecting')
  return (
    <div className="connection-lost-region" role="status">
      {down && (
        <p className="connection-lost">
          <strong>Connection lost. Reconnecting…</strong> Hands and alerts on screen may be out of
          date, and raising a hand waits until you are back.
        </p>
      )}
    </div>
  )
}
