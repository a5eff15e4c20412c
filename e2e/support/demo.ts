import type { RunningFlare } from './server.js'

export interface DemoInboxView {
  /** A manager's session cookie, to look at the API as the page would. */
  cookie: string
  spaceId: string
  /** The demo inbox as a manager sees it, its webhook secret included. */
  inbox: { id: string; channelAddress: string; webhookSecret: string }
}

/**
 * Logs a demo account in through the API, as an admin's tool would: its session cookie and
 * the demo space's id.
 */
export async function demoSession(
  flare: RunningFlare,
  email: string,
): Promise<{ cookie: string; spaceId: string }> {
  const login = await flare.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'flare-demo' },
  })
  const cookie = `flare_session=${login.cookies.find((c) => c.name === 'flare_session')?.value}`
  const me = (
    await flare.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
  ).json() as { spaces: Array<{ id: string }> }
  return { cookie, spaceId: me.spaces[0]?.id ?? '' }
}

/** Logs in as the demo manager through the API and reads the demo space and inbox. */
export async function demoInboxAsManager(flare: RunningFlare) {
  const { cookie, spaceId } = await demoSession(flare, 'manager@flare.test')
  // GET an API path as the manager: the parsed JSON body, loosely typed as tests read it
  const get = async (url: string) =>
    (await flare.app.inject({ method: 'GET', url, headers: { cookie } })).json()
  const { inboxes } = (await get(`/api/spaces/${spaceId}/inboxes`)) as {
    inboxes: DemoInboxView['inbox'][]
  }
  const inbox = inboxes[0]
  if (!inbox) throw new Error('the demo has no inbox')
  const view: DemoInboxView = { cookie, spaceId, inbox }
  return { ...view, get }
}

/** A demo member's user id, from the space as the manager reads it. */
export async function demoMemberId(
  view: DemoInboxView & { get: (url: string) => Promise<unknown> },
  displayName: string,
): Promise<string> {
  const space = (await view.get(`/api/spaces/${view.spaceId}`)) as {
    members: Array<{ userId: string; displayName: string }>
  }
  const member = space.members.find((m) => m.displayName === displayName)
  if (!member) throw new Error(`the demo has no member named ${displayName}`)
  return member.userId
}

/** Creates an escalation rule as the demo manager; throws with the server's answer if refused. */
export async function createRuleAsManager(
  flare: RunningFlare,
  view: DemoInboxView,
  rule: Record<string, unknown>,
): Promise<void> {
  const created = await flare.app.inject({
    method: 'POST',
    url: '/api/tickets/escalation-rules',
    headers: { cookie: view.cookie },
    payload: rule,
  })
  if (created.statusCode !== 201) throw new Error(`rule refused: ${created.body}`)
}

/**
 * A customer writes to the demo inbox through its webhook, as a contact-center system would,
 * over real HTTP; the ticket's id.
 */
export async function customerWrites(
  flare: RunningFlare,
  inbox: DemoInboxView['inbox'],
  message: { name: string; phone: string; subject: string; body: string },
): Promise<string> {
  const inbound = await fetch(`${flare.url}/api/inbound/inboxes/${inbox.id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-flare-inbox-secret': inbox.webhookSecret },
    body: JSON.stringify({
      customer: { name: message.name, phone: message.phone },
      subject: message.subject,
      body: message.body,
    }),
  })
  if (!inbound.ok) throw new Error(`the inbox refused the message: ${await inbound.text()}`)
  const { ticketId } = (await inbound.json()) as { ticketId: string }
  return ticketId
}
