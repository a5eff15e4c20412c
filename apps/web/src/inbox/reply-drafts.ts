/**
 * Replies being written, per ticket, kept for the tab's life (sessionStorage: a reload keeps
 * them too): opening another ticket, or an alert card's "Open ticket", used to throw away a
 * half-written reply. Cleared once sent. Where storage is refused (a private window's quota),
 * they are kept in memory for the page instead.
 */
const memory = new Map<string, string>()
const keyOf = (ticketId: string) => `flare:reply-draft:${ticketId}`

function storage(): Storage | null {
  try {
    return window.sessionStorage
  } catch {
    return null
  }
}

export function readReplyDraft(ticketId: string): string {
  try {
    return storage()?.getItem(keyOf(ticketId)) ?? memory.get(ticketId) ?? ''
  } catch {
    return memory.get(ticketId) ?? ''
  }
}

/** Keeps `text` as the ticket's draft; an empty or blank one is no draft. */
export function writeReplyDraft(ticketId: string, text: string): void {
  const blank = text.trim() === ''
  if (blank) memory.delete(ticketId)
  else memory.set(ticketId, text)
  try {
    if (blank) storage()?.removeItem(keyOf(ticketId))
    else storage()?.setItem(keyOf(ticketId), text)
  } catch {
    // full or refused: the memory copy stands for this page
  }
}
