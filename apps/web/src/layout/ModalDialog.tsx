import { type ComponentPropsWithoutRef, type ReactNode, useEffect, useRef } from 'react'

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])'

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
        if (e.defaultPrevented) return
        if (e.key === 'Tab') {
          // the page behind is inert; wrapping here also keeps focus off the browser's own bar
          const focusable = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
            (el) => !el.hasAttribute('disabled') && el.getClientRects().length > 0,
          )
          const first = focusable[0]
          const last = focusable[focusable.length - 1]
          if (!first || !last) return
          if (e.shiftKey && document.activeElement === first) {
            e.preventDefault()
            last.focus()
          } else if (!e.shiftKey && document.activeElement === last) {
            e.preventDefault()
            first.focus()
          }
          return
        }
        if (e.key !== 'Escape') return
        e.preventDefault()
        e.stopPropagation()
        close.current()
      }}
    >
      {children}
    </dialog>
  )
}
