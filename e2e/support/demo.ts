import type { RunningFlare } from './server.js'

export interface DemoInboxView {
  /** A manager's session cookie, to look at the API as the page would. */
  cookie: string
  spaceId: string
  /** The demo inbox as a manager sees it, its webhook secret included. */
  inbox: { id: string; channelAddress: string; webhookSecret: string }
}

/** Logs in as the demo manager through the API and reads the demo space and inbox. */
export async function demoInboxAsManager(flare: RunningFlare) {
  const login = await flare.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'manager@flare.test', password: 'flare-demo' },
  })
  const cookie = `flare_session=${login.cookies.find((c) => c.name === 'flare_session')?.value}`
  // GET an API path as the manager: the parsed JSON body, loosely typed as tests read it
  const get = async (url: string) =>
    (await flare.app.inject({ method: 'GET', url, headers: { cookie } })).json()
  const me = (await get('/api/me')) as { spaces: Array<{ id: string }> }
  const spaceId = me.spaces[0]?.id ?? ''
  const { inboxes } = (await get(`/api/spaces/${spaceId}/inboxes`)) as {
    inboxes: DemoInboxView['inbox'][]
  }
  const inbox = inboxes[0]
  if (!inbox) throw new Error('the demo has no inbox')
  const view: DemoInboxView = { cookie, spaceId, inbox }
  return { ...view, get }
}
