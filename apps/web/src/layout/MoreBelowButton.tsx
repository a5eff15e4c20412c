import type { MoreBelow } from './useMoreBelow.js'
import { countOf } from './words.js'

/**
 * The row under a scrolling strip that says what it hides below its fold ("2 more alerts
 * below"), scrolling it on by most of its height when pressed; nothing when all is in view.
 * `noun`: what the count counts, singular and plural.
 */
export function MoreBelowButton({
  scroller,
  below,
  noun,
}: {
  scroller: HTMLElement | null
  below: MoreBelow
  noun: readonly [string, string]
}) {
  if (!below.more) return null
  return (
    <button
      type="button"
      className="more-below secondary small"
      onClick={() => scroller?.scrollBy({ top: scroller.clientHeight * 0.8, behavior: 'smooth' })}
    >
      {below.hidden > 0 ? `${countOf(below.hidden, noun[0], noun[1])} below` : 'More below'}
      <span aria-hidden="true"> ↓</span>
    </button>
  )
}
