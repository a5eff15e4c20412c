import type { FastifyInstance } from 'fastify'
import type { BrowserContext, CDPSession, Page, Worker } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
// the push service stand-in and the browser's half of a subscription, shared with the
// server's push suite so both read Web Push the same way
import {
  LocalHttp,
  PushBrowser,
  type ReceivedRequest,
  vapidVerifies,
} from '../apps/server/test/notifications-support.js'
import { type Browser, hasChromium, launchBrowser, logInAs } from './support/browser.js'
import {
  createRuleAsManager,
  customerWrites,
  demoInboxAsManager,
  demoMemberId,
} from './support/demo.js'
import { type RunningFlare, startFlare } from './support/server.js'

/** What the server offers tests: run what is due at a given instant. */
interface Hooks {
  scheduler?: { runDue(now?: Date): Promise<unknown[]> }
  notifications?: { runDue(at?: Date): Promise<unknown[]> }
}

/** The service worker globals these tests use (the e2e project compiles with DOM types only). */
interface WorkerScope {
  registration: ServiceWorkerRegistration
  dispatchEvent(event: Event): boolean
  NotificationEvent: new (
    type: string,
    init: { notification: Notification; action: string },
  ) => Event
}

interface ShownNotification {
  title: string
  body: string
  tag: string
  actions: Array<{ action: string; title: string }>
  data: { url?: string; firingId?: string; kind?: string }
}

/** The notifications the service worker is showing, read inside the worker itself. */
function shown(worker: Worker): Promise<ShownNotification[]> {
  return worker.evaluate(async () => {
    const scope = self as unknown as WorkerScope
    const list = await scope.registration.getNotifications()
    return list.map((n: Notification & { actions?: Array<{ action: string; title: string }> }) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      actions: (n.actions ?? []).map((a) => ({ action: a.action, title: a.title })),
      data: n.data,
    }))
  })
}

/**
 * Hands a push message to the real service worker as the browser does when its push service
 * delivers one (DevTools' "Push" button: CDP `ServiceWorker.deliverPushMessage`): the worker's
 * own `push` event, with the message's decrypted text.
 */
async function pushInto(
  cdp: CDPSession,
  origin: string,
  registrationId: string,
  text: string,
): Promise<void> {
  await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data: text })
}

/** The service worker globals the push receipt counter keeps (see `countPushes`). */
interface CountingScope {
  addEventListener(type: 'push', listener: () => void): void
  flarePushesReceived?: number
}

/**
 * Counts, inside the worker, the push events it receives: a listener added after the worker's
 * own, so a count means the worker's handler has run for that push. This tells "the browser
 * never dispatched the push" (a DevTools delivery lost, seen once on a loaded CI machine) apart
 * from "the worker got it and showed nothing".
 */
async function countPushes(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    const scope = self as unknown as CountingScope
    if (scope.flarePushesReceived !== undefined) return
    scope.flarePushesReceived = 0
    scope.addEventListener('push', () => {
      scope.flarePushesReceived = (scope.flarePushesReceived ?? 0) + 1
    })
  })
}

function pushesReceived(worker: Worker): Promise<number> {
  return worker.evaluate(() => (self as unknown as CountingScope).flarePushesReceived ?? 0)
}

/** The registration id DevTools knows the page's service worker by. */
async function registrationIdOf(cdp: CDPSession, scope: string): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const mine = registrations.find((r) => r.scopeURL === scope && !r.isDeleted)
      if (mine) resolve(mine.registrationId)
    })
  })
  await cdp.send('ServiceWorker.enable')
  return found
}

async function until<T>(
  what: string,
  find: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await find()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Web Push with Chromium's real service worker (`/sw.js`).
 *
 * What headless Chromium allows here, and so what this proves: the page registers the service
 * worker and it activates; notification permission is granted; but `pushManager.subscribe()`
 * never settles, because Chromium's push service (Google's FCM) is out of reach, so no real
 * endpoint exists to send to. The chain is therefore closed with two stand-ins, each at one
 * end only: the subscription's keys come from `PushBrowser` (registered through the real
 * `POST /api/me/push-subscriptions`, endpoint on a local push-service stand-in that checks the
 * VAPID signature and decrypts the `aes128gcm` body with those keys, as the browser would);
 * and the decrypted message is handed to the real service worker with CDP
 * `ServiceWorker.deliverPushMessage`, the browser's own path for a push event. What the
 * worker then shows is read back with `registration.getNotifications()`.
 */
describe.skipIf(!hasChromium())(
  'notifications in Chromium: Web Push in the real service worker, pop-ups for late joiners',
  () => {
    const pushService = new LocalHttp()
    const keys = new PushBrowser()
    let flare: RunningFlare
    let browser: Browser
    let context: BrowserContext
    let page: Page
    let cdp: CDPSession
    let worker: Worker
    let registrationId = ''
    /** What the service worker printed: shown when a test here fails. */
    const workerConsole: string[] = []

    /**
     * Hands `text` to the worker as the browser does when its push service delivers a message,
     * and waits until the worker's push handler has run for it. A delivery that DevTools
     * accepted but the worker never received is made once more: that is the stand-in push
     * service's part, not the worker's, and is said on the output.
     */
    async function deliver(text: string): Promise<void> {
      const before = await pushesReceived(worker)
      const received = async () => ((await pushesReceived(worker)) > before ? true : undefined)
      await pushInto(cdp, flare.url, registrationId, text)
      try {
        await until('the worker to receive the push', received, 10_000)
      } catch {
        process.stdout.write(
          '[e2e push] the worker did not receive a push in 10 s; delivering again\n',
        )
        await pushInto(cdp, flare.url, registrationId, text)
        await until('the worker to receive the push, delivered twice', received, 10_000)
      }
    }

    beforeAll(async () => {
      await pushService.start()
      pushService.fallback = { status: 201 }
      flare = await startFlare({ ALLOW_PRIVATE_URLS: 'true' })
      browser = await launchBrowser()
      context = browser.context
      await context.grantPermissions(['notifications'], { origin: flare.url })
    })
    afterEach((context) => {
      if (context.task.result?.state === 'fail') {
        process.stdout.write(`[e2e push] the worker's console:\n${workerConsole.join('\n')}\n`)
      }
    })
    afterAll(async () => {
      await browser?.close()
      await flare?.close()
      await pushService.stop()
    })

    /**
     * Sets a ticket's priority, as the manager: each test's rule is for one priority the demo's
     * own tickets (and the other test's) do not have, so it fires for that test's ticket alone.
     */
    async function setPriority(
      cookie: string,
      spaceId: string,
      ticketId: string,
      priority: 'urgent' | 'low',
    ): Promise<void> {
      const res = await flare.app.inject({
        method: 'PATCH',
        url: `/api/spaces/${spaceId}/tickets/${ticketId}`,
        headers: { cookie },
        payload: { priority },
      })
      expect(res.statusCode).toBe(200)
    }

    /** The push the stand-in got at `path` after `seen` earlier ones: checked, then decrypted. */
    async function nextPush(path: string, seen: number, publicKey: string): Promise<string> {
      // generous: on a loaded 2-core machine the delivery worker's first batch can take > 10 s
      const [request] = (await pushService.waitFor(path, seen + 1, 30_000)).slice(seen) as [
        ReceivedRequest,
      ]
      expect(request.headers['content-encoding']).toBe('aes128gcm')
      expect(vapidVerifies(String(request.headers.authorization), publicKey, pushService.url)).toBe(
        true,
      )
      return keys.decrypt(request.raw)
    }

    it("[7.2.6] the service worker registers; a firing's push shows with Open and I'm on it, and I'm on it takes it", async () => {
      page = await context.newPage()
      await logInAs(page, flare.url, 'dana@flare.test')
      // registered as the settings page's "Push notifications" does
      const scope = await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.register('/sw.js')
        await navigator.serviceWorker.ready
        return registration.scope
      })
      expect(scope).toBe(`${flare.url}/`)
      worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'))
      expect(worker.url()).toBe(`${flare.url}/sw.js`)
      worker.on('console', (line) => workerConsole.push(`${line.type()}: ${line.text()}`))
      await countPushes(worker)
      cdp = await context.newCDPSession(page)
      registrationId = await registrationIdOf(cdp, scope)

      const publicKey = await page.evaluate(async () => {
        const answer: { publicKey: string } = await (await fetch('/api/push/public-key')).json()
        return answer.publicKey
      })
      // recorded, not required: here the browser's push service does not answer
      const subscribe = await page.evaluate(async (key) => {
        const registration = await navigator.serviceWorker.ready
        const bytes = Uint8Array.from(atob(key.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
          c.charCodeAt(0),
        )
        const attempt = registration.pushManager
          .subscribe({ userVisibleOnly: true, applicationServerKey: bytes })
          .then((s) => `subscribed at ${new URL(s.endpoint).host}`)
        const timeout = new Promise<string>((resolve) =>
          setTimeout(() => resolve('no answer from the push service'), 3_000),
        )
        return Promise.race([attempt, timeout]).catch((e: unknown) => `refused: ${String(e)}`)
      }, publicKey)
      process.stdout.write(
        `[e2e push] pushManager.subscribe() in headless Chromium: ${subscribe}\n`,
      )

      const subscribed = await page.evaluate(
        async (body) =>
          (
            await fetch('/api/me/push-subscriptions', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            })
          ).status,
        keys.subscription(`${pushService.url}/push/dana`),
      )
      expect(subscribed).toBe(201)

      // a 1-minute rule sends Dana a push; the scheduler and the worker run at 2 minutes from now
      const demo = await demoInboxAsManager(flare)
      const { cookie, spaceId, inbox } = demo
      const dana = await demoMemberId(demo, 'Dana Reyes')
      await createRuleAsManager(flare, demo, {
        name: 'Push Dana after a minute',
        // a chain of its own: in one chain, of two rules due at the same minute only one
        // fires (SPEC §6.3.2), and which depends on the rules' random ids
        chain: 'push-dana',
        enabled: true,
        // urgent only: the demo's own waiting ticket (high) falls due in these minutes too
        priority: 'urgent',
        inboxId: inbox.id,
        escalateAfterMinutes: 1,
        businessHoursOnly: false,
        escalateTo: 'specific_user',
        escalateToUserId: dana,
        notificationChannels: ['push'],
      })
      const ticketId = await customerWrites(flare, inbox, {
        name: 'Priya Shah',
        phone: '+15554440009',
        subject: 'Refund still missing',
        body: 'Where is my refund?',
      })
      await setPriority(cookie, spaceId, ticketId, 'urgent')
      const hooks = flare.app as FastifyInstance & Hooks
      const later = new Date(Date.now() + 2 * 60_000)
      await hooks.scheduler!.runDue(later)
      await hooks.notifications!.runDue(later)

      const text = await nextPush('/push/dana', 0, publicKey)
      const message = JSON.parse(text) as { firingId: string; kind: string; url: string }
      expect(message).toMatchObject({ kind: 'ticket.escalated', spaceId })
      expect(message.url).toMatch(new RegExp(`/t/${ticketId}$`))

      await deliver(text)
      const notification = await until('the notification', async () =>
        (await shown(worker)).find((n) => n.data.firingId === message.firingId),
      )
      expect(notification.title).toBe('Escalated: Refund still missing')
      expect(notification.actions).toEqual([
        { action: 'open', title: 'Open' },
        { action: 'ack', title: "I'm on it" },
      ])

      // "I'm on it" on the notification: headless Chromium has no notification to click, so
      // the worker gets the click as an event; `waitUntil` refuses a script-made event after
      // the handler has sent its request, which is what this checks
      const acknowledged = context.waitForEvent('response', (r) => r.url().endsWith('/acknowledge'))
      await worker.evaluate(async (tag) => {
        const scope = self as unknown as WorkerScope
        const [clicked] = await scope.registration.getNotifications({ tag })
        scope.dispatchEvent(
          new scope.NotificationEvent('notificationclick', {
            notification: clicked!,
            action: 'ack',
          }),
        )
      }, notification.tag)
      const response = await acknowledged
      expect(response.url()).toBe(
        `${flare.url}/api/spaces/${spaceId}/firings/${message.firingId}/acknowledge`,
      )
      expect(response.status()).toBe(200)
      expect(await response.json()).toMatchObject({
        acknowledged: { firingId: message.firingId, ticketId, userId: dana },
      })
    })

    it('[3.11][7.2.6] a red hand shows only when no Flare window is in front', async () => {
      const seen = pushService.to('/push/dana').length
      const publicKey = await page.evaluate(async () => {
        const answer: { publicKey: string } = await (await fetch('/api/push/public-key')).json()
        return answer.publicKey
      })
      const eli = await flare.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'eli@flare.test', password: 'flare-demo' },
      })
      const eliCookie = `flare_session=${eli.cookies.find((c) => c.name === 'flare_session')?.value}`
      const demo = await demoInboxAsManager(flare)
      const { spaceId } = demo
      const dana = await demoMemberId(demo, 'Dana Reyes')
      const raised = await flare.app.inject({
        method: 'POST',
        url: `/api/spaces/${spaceId}/escalations`,
        headers: { cookie: eliCookie },
        payload: {
          message: 'Caller wants a supervisor',
          notify: true,
          recipients: { userIds: [dana], groupIds: [] },
        },
      })
      expect(raised.statusCode).toBe(201)
      const text = await nextPush('/push/dana', seen, publicKey)
      const message = JSON.parse(text) as { kind: string; tag: string }
      expect(message.kind).toBe('hand.raised')

      // Dana's Flare tab is open and in front: the card and the sound are there already
      expect(await page.evaluate(() => [document.visibilityState, document.hasFocus()])).toEqual([
        'visible',
        true,
      ])
      await deliver(text)

      // no Flare window any more: the same hand, pushed again (under its own tag, to tell the
      // two apart), shows; by then the first push's handler has long finished without showing
      await page.goto('about:blank')
      // the page's unload can trail the navigation: push only once the worker sees no Flare window
      await until('the Flare window gone from the worker', async () =>
        (await worker.evaluate(async (origin) => {
          const scope = self as unknown as {
            clients: { matchAll(o: object): Promise<Array<{ url: string }>> }
          }
          const windows = await scope.clients.matchAll({
            type: 'window',
            includeUncontrolled: true,
          })
          return windows.filter((w) => w.url.startsWith(origin)).length
        }, new URL(flare.url).origin)) === 0
          ? true
          : undefined,
      )
      const again = JSON.stringify({ ...JSON.parse(text), tag: `${message.tag}:again` })
      await deliver(again)
      const notification = await until('the hand notification', async () =>
        (await shown(worker)).find((n) => n.tag === `${message.tag}:again`),
      )
      expect((await shown(worker)).filter((n) => n.tag === message.tag)).toEqual([])
      expect(notification).toMatchObject({
        title: 'Eli Novak needs help',
        body: 'Caller wants a supervisor',
        actions: [{ action: 'open', title: 'Open' }],
      })
    })
    it('[7.2.1.1][7.2.1.1.1] someone who logs in after the firing gets the pop-up from the snapshot; its receipt marks it sent', async () => {
      const demo = await demoInboxAsManager(flare)
      const { cookie, spaceId, inbox, get } = demo
      const gus = await demoMemberId(demo, 'Gus Okafor')
      await createRuleAsManager(flare, demo, {
        name: 'Pop up for Gus after a minute',
        // not in the chain of the push test's rule, which matches this inbox too (SPEC §6.3.2)
        chain: 'late-joiner',
        enabled: true,
        // low only: the other tickets of the demo inbox are not this test's pop-ups
        priority: 'low',
        inboxId: inbox.id,
        escalateAfterMinutes: 1,
        businessHoursOnly: false,
        escalateTo: 'specific_user',
        escalateToUserId: gus,
        notificationChannels: ['in_app'],
      })
      const ticketId = await customerWrites(flare, inbox, {
        name: 'Omar Haddad',
        phone: '+15554440011',
        subject: 'Order never arrived',
        body: 'It has been two weeks',
      })
      await setPriority(cookie, spaceId, ticketId, 'low')
      // fired while Gus has no Flare open
      await (flare.app as FastifyInstance & Hooks).scheduler!.runDue(
        new Date(Date.now() + 3 * 60_000),
      )
      const inAppRow = async () => {
        const log = await get(
          `/api/spaces/${spaceId}/deliveries?ticketId=${ticketId}&channel=in_app`,
        )
        return (log.deliveries as Array<{ target: string; state: string }>).find(
          (d) => d.target === `user:${gus}`,
        )
      }
      expect((await inAppRow())?.state).toBe('pending')

      const late = await launchBrowser()
      try {
        const tab = await late.context.newPage()
        await logInAs(tab, flare.url, 'gus@flare.test')
        const card = tab.getByRole('article', {
          name: /^Ticket escalation, level \d+: Order never arrived$/,
        })
        await card.waitFor({ timeout: 5000 })
        expect(await tab.evaluate(() => document.documentElement.dataset.alertsPlayed)).toBe('1')
        await until('the receipt', async () =>
          (await inAppRow())?.state === 'sent' ? true : undefined,
        )
        // shown, and Omar still waits with nobody on it: the next visit has the card back,
        // without its sound (SPEC §7.2.1.1.1)
        await tab.reload()
        await tab.locator('.avatar.me').waitFor()
        await card.waitFor({ timeout: 5000 })
        expect(
          await tab.evaluate(() => document.documentElement.dataset.alertsPlayed),
        ).toBeUndefined()
      } finally {
        await late.close()
      }
    })
  },
)
