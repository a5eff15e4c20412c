import { type ComponentPropsWithoutRef, type ReactNode, useEffect, useRef } from 'react'

/**
 * A modal on the native `<dialog>`: `showModal()` makes the rest of the page inert, so focus
 * stays inside; Escape closes it; focus goes back to whatever had it before. Mounted means
 * open: render it only while the dialog should show, and handle `onClose`.
 */
export function ModalDialog({
  children,
  onClose,
  className = 'dialog',
  ...rest
}: {
  children: ReactNode
  /** Escape, or anything else that closed the dialog. */
  onClose(): void
  className?: string
} & Omit<ComponentPropsWithoutRef<'dialog'>, 'onClose' | 'onCancel' | 'open'>) {
  const ref = useRef<HTMLDialogElement>(null)
  const close = useRef(onClose)
  close.current = onClose

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement
    // jsdom has no showModal; every browser Flare supports does
    if (typeof dialog.showModal === 'function') dialog.showModal()
    else dialog.setAttribute('open', '')
    return () => {
      if (typeof dialog.close === 'function' && dialog.open) dialog.close()
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus()
    }
  }, [])

  return (
    <dialog
      ref={ref}
      className={className}
      {...rest}
      onCancel={(e) => {
        // we close by unmounting, so the page state and the dialog never disagree
        e.preventDefault()
        close.current()
      }}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || e.defaultPrevented) return
        e.preventDefault()
        e.stopPropagation()
        close.current()
      }}
    >
      {children}
    </dialog>
  )
}
