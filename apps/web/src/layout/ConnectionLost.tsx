import { useFlare } from '../store/index.js'

/**
 * Said plainly while the connection is down and being retried: what is on screen may be out of
 * date and a hand cannot be raised until it is back; and, once the server has refused us (logged
 * out elsewhere, no longer a member), why, with a way to load the page again. It floats over the
 * top of the page, so nothing moves when it comes and goes (the top bar's own "Reconnecting…" is
 * easy to miss) and it never takes the workspace's room.
 */
export function ConnectionLost() {
  const connection = useFlare((s) => s.connection)
  return (
    <div className="connection-lost-region" role="status">
      {connection.state === 'reconnecting' && (
        <p className="connection-lost">
          <strong>Connection lost. Reconnecting…</strong>{' '}
          {connection.message ? `${connection.message} ` : ''}Hands and alerts on screen may be out
          of date, and raising a hand waits until you are back.
        </p>
      )}
      {connection.state === 'refused' && (
        <p className="connection-lost connection-refused">
          <strong>Not connected.</strong>{' '}
          {connection.message ?? 'The server refused the connection.'}{' '}
          <button type="button" className="small" onClick={() => window.location.reload()}>
            Reload
          </button>
        </p>
      )}
    </div>
  )
}
