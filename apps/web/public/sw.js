// Flare's service worker: shows Web Push notifications (SPEC §7) even when no Flare tab is
// open, with "Open" and "I'm on it". Plain JavaScript: it is served as it is, not bundled.
/* global self, clients */

/** A Flare window the person is looking at right now, if any. */
async function visibleWindow() {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true })
  return windows.find((w) => w.visibilityState === 'visible' && w.focused) ?? null
}

self.addEventListener('push', (event) => {
  let message
  try {
    message = event.data ? event.data.json() : null
  } catch {
    message = null
  }
  if (!message || typeof message.title !== 'string') return
  event.waitUntil(
    (async () => {
      // a red hand already shows its card and sound in the tab in front of them
      if (message.kind === 'hand.raised' && (await visibleWindow())) return
      const actions = [{ action: 'open', title: 'Open' }]
      if (message.firingId) actions.push({ action: 'ack', title: "I'm on it" })
      await self.registration.showNotification(message.title, {
        body: message.body,
        tag: message.tag,
        renotify: false,
        requireInteraction: true,
        icon: '/favicon.svg',
        data: message,
        actions,
      })
    })(),
  )
})

async function openOrFocus(url) {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true })
  const same = windows.find(
    (w) => new URL(w.url).pathname === new URL(url, self.location.origin).pathname,
  )
  if (same) return same.focus()
  return clients.openWindow(url)
}

self.addEventListener('notificationclick', (event) => {
  const message = event.notification.data || {}
  event.notification.close()
  if (event.action === 'ack' && message.firingId && message.spaceId) {
    event.waitUntil(
      fetch(`/api/spaces/${message.spaceId}/firings/${message.firingId}/acknowledge`, {
        method: 'POST',
        credentials: 'include',
      }).then((res) => {
        // not logged in in this browser any more: open Flare so they can take it there
        if (!res.ok) return openOrFocus(message.url || '/')
        return undefined
      }),
    )
    return
  }
  event.waitUntil(openOrFocus(message.url || '/'))
})
