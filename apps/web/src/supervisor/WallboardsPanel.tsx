import type { WallboardCreated, WallboardDto } from '@flare/protocol/client'
import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { nameOf } from '../automation/automation-socket.js'
import { ConfirmDialog } from '../automation/ConfirmDialog.js'
import { RelativeTime } from '../layout/RelativeTime.js'
import { useFlare } from '../store/index.js'
import { createWallboard, fetchWallboards, revokeWallboard } from './supervisor-actions.js'

/** The link just made: shown once, with a way to copy it. */
function NewLink({ created, onDone }: { created: WallboardCreated; onDone(): void }) {
  const [copied, setCopied] = useState(false)
  return (
    <div className="note wallboard-new" role="status">
      <p>
        Open this link on the TV. It is shown only now: copy it before you close this note. Anyone
        with the link sees the board until you revoke it.
      </p>
      <p className="wallboard-link">
        <input
          readOnly
          aria-label={`Link of the wallboard ${created.wallboard.name}`}
          value={created.url}
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          className="small"
          onClick={() =>
            void navigator.clipboard?.writeText(created.url).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy link'}
        </button>
        <button type="button" className="secondary small" onClick={onDone}>
          Done
        </button>
      </p>
    </div>
  )
}

/**
 * Wallboard links (SPEC §8.5): a read-only live view for a TV, opened without a login by a
 * link an admin or manager makes here and can revoke, which closes the board at once.
 */
export function WallboardsPanel() {
  // the loadable itself, not a list made here: a new [] on each read would render forever
  const inboxState = useFlare((s) => s.inboxes)
  const inboxes = inboxState.status === 'ready' ? inboxState.value : []
  const [boards, setBoards] = useState<WallboardDto[] | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [name, setName] = useState('')
  const [inboxId, setInboxId] = useState('')
  const [busy, setBusy] = useState(false)
  const [created, setCreated] = useState<WallboardCreated | null>(null)
  const [revoking, setRevoking] = useState<WallboardDto | null>(null)

  const refresh = useCallback(async () => {
    const result = await fetchWallboards()
    if (result.ok) setBoards(result.value)
    else setMessage(result.message)
  }, [])

  useEffect(() => {
    void refresh()
  }, [refresh])

  async function create(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    const result = await createWallboard(name.trim(), inboxId || null)
    setBusy(false)
    if (!result.ok) {
      setMessage(result.message)
      return
    }
    setMessage(null)
    setName('')
    setCreated(result.value)
    await refresh()
  }

  const inboxName = (id: string | null) =>
    id ? (inboxes.find((i) => i.id === id)?.name ?? 'An inbox') : 'The whole space'

  return (
    <div className="wallboards-panel">
      <form className="supervisor-filters" onSubmit={(e) => void create(e)}>
        <label>
          Name
          <input
            value={name}
            required
            maxLength={100}
            placeholder="e.g. Floor 2 TV"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Counts
          <select value={inboxId} onChange={(e) => setInboxId(e.target.value)}>
            <option value="">The whole space</option>
            {inboxes.map((inbox) => (
              <option key={inbox.id} value={inbox.id}>
                {inbox.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="small" disabled={busy || name.trim() === ''}>
          Create a wallboard link
        </button>
      </form>
      {message && (
        <p role="alert" className="error">
          {message}
        </p>
      )}
      {created && <NewLink created={created} onDone={() => setCreated(null)} />}
      {boards === null ? (
        <p className="muted">Loading wallboards…</p>
      ) : boards.length === 0 ? (
        <p className="muted empty">No wallboard links yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="wallboards cards">
            <caption className="sr-only">Wallboard links</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Counts</th>
                <th scope="col">Link starts with</th>
                <th scope="col">Made</th>
                <th scope="col">Last opened</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {boards.map((board) => (
                <tr key={board.id}>
                  <td className="card-title">{board.name}</td>
                  <td data-label="Counts">{inboxName(board.inboxId)}</td>
                  <td data-label="Link starts with">
                    <code>{board.prefix}…</code>
                  </td>
                  <td data-label="Made">
                    <RelativeTime iso={board.createdAt} />
                    {board.createdBy && <> by {nameOf(board.createdBy)}</>}
                  </td>
                  <td data-label="Last opened">
                    {board.lastSeenAt ? <RelativeTime iso={board.lastSeenAt} /> : 'Never'}
                  </td>
                  <td className="card-actions">
                    <button
                      type="button"
                      className="danger small"
                      aria-label={`Revoke ${board.name}`}
                      onClick={() => setRevoking(board)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke"
          onCancel={() => setRevoking(null)}
          onConfirm={async () => {
            const result = await revokeWallboard(revoking.id)
            if (!result.ok) return result.message
            setRevoking(null)
            await refresh()
            return null
          }}
        >
          <p>The board goes dark at once, and its link never opens again.</p>
        </ConfirmDialog>
      )}
    </div>
  )
}
