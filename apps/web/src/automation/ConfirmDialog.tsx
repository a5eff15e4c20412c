import { type ReactNode, useEffect, useId, useRef, useState } from 'react'
import { ModalDialog } from '../layout/ModalDialog.js'

/**
 * Asks before something that cannot be undone, on a native modal `<dialog>`. Focus starts on
 * Cancel, stays in the dialog, Escape cancels, and focus returns to where it was on close.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  /** Resolves to an error message to show, or null when done. */
  onConfirm(): Promise<string | null>
  onCancel(): void
}) {
  const id = useId()
  const cancel = useRef<HTMLButtonElement>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    cancel.current?.focus()
  }, [])

  async function confirm() {
    setBusy(true)
    const problem = await onConfirm()
    setBusy(false)
    setError(problem)
  }

  return (
    <ModalDialog
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onClose={onCancel}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`}>{children}</div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="actions">
        <button ref={cancel} type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
          {confirmLabel}
        </button>
      </div>
    </ModalDialog>
  )
}
