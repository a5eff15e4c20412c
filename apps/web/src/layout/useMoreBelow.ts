import { useEffect, useState } from 'react'

/** What a scrolling strip keeps below its fold: how many of its `items` start there. */
export interface MoreBelow {
  /** Whether there is anything below the fold at all. */
  more: boolean
  /** How many of the items start below the fold (0 when only part of one is hidden). */
  hidden: number
}

/**
 * Watches a scrolling element (the phone's strip of alerts and hands, the alert rail's list)
 * and tells what it hides below its fold, so a person is shown there is more rather than left
 * to guess. Follows scrolling, resizing and content coming and going. Takes the element itself
 * (a callback ref's state), so one that mounts later, as the rail's list does with its first
 * alert, is watched too.
 */
export function useMoreBelow(element: HTMLElement | null, items: string): MoreBelow {
  const [state, setState] = useState<MoreBelow>({ more: false, hidden: 0 })
  useEffect(() => {
    if (!element) {
      setState((s) => (s.more ? { more: false, hidden: 0 } : s))
      return
    }
    const measure = () => {
      const fold = element.scrollTop + element.clientHeight
      const more = element.scrollHeight - fold > 4
      let hidden = 0
      for (const item of element.querySelectorAll<HTMLElement>(items)) {
        if (item.offsetTop - element.offsetTop >= fold - 8) hidden += 1
      }
      setState((s) => (s.more === more && s.hidden === hidden ? s : { more, hidden }))
    }
    measure()
    element.addEventListener('scroll', measure, { passive: true })
    const resized = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure)
    resized?.observe(element)
    const changed = new MutationObserver(measure)
    changed.observe(element, { childList: true, subtree: true })
    return () => {
      element.removeEventListener('scroll', measure)
      resized?.disconnect()
      changed.disconnect()
    }
  }, [element, items])
  return state
}
