import type { PushSubscriptionCreate } from '@flare/protocol'
import { notificationsApi } from './notifications-api.js'

/** Whether this browser can receive Web Push at all (secure context, service workers, push). */
export function pushSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    window.isSecureContext &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window
  )
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/')
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  const bytes = new Uint8Array(new ArrayBuffer(raw.length))
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i)
  return bytes
}

function toCreate(subscription: PushSubscription): PushSubscriptionCreate {
  const json = subscription.toJSON()
  return {
    endpoint: subscription.endpoint,
    expirationTime: json.expirationTime ?? null,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
  }
}

/**
 * Turns Web Push on for this browser: asks for permission, subscribes with the server's key
 * and hands the subscription to the server (which turns the push preference on). Answers a
 * sentence for the person when it cannot.
 */
export async function enablePush(): Promise<string | null> {
  if (!pushSupported()) return 'This browser cannot receive push notifications here.'
  const permission = await Notification.requestPermission()
  if (permission !== 'granted') {
    return 'Notifications are blocked for Flare in this browser. Allow them in the site settings.'
  }
  const registration = await navigator.serviceWorker.register('/sw.js')
  await navigator.serviceWorker.ready
  const { publicKey } = await notificationsApi.pushPublicKey()
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await withDeadline(
      registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(publicKey),
      }),
      SUBSCRIBE_DEADLINE_MS,
    ))
  if (!subscription) {
    return "This browser's push service did not answer (a firewall, or no connection to it). Try again later."
  }
  await notificationsApi.subscribePush(toCreate(subscription))
  return null
}

/**
 * How long subscribing may take. The browser asks its own push service (Google's for Chromium,
 * Mozilla's for Firefox); where that is out of reach the promise never settles.
 */
export const SUBSCRIBE_DEADLINE_MS = 20_000

/** The promise's value, or null if it has not settled within `ms`. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

/** Turns Web Push off for this browser: unsubscribes and tells the server to forget it. */
export async function disablePush(): Promise<void> {
  if (!pushSupported()) return
  const registration = await navigator.serviceWorker.getRegistration('/sw.js')
  const subscription = await registration?.pushManager.getSubscription()
  if (!subscription) return
  await notificationsApi.unsubscribePush(subscription.endpoint)
  await subscription.unsubscribe()
}
