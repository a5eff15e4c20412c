import type { EscalationDto, MeResponse, SpaceSnapshot } from '@flare/protocol'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useFlare } from '../store/index.js'
import { fakeSocket } from '../test/fake-socket.js'
import { dismissNotification } from './hand-actions.js'
import { registerHandEvents } from './hand-socket.js'

const played = vi.hoisted(() => ({ count: 0 }))
vi.mock('./sound.js', () => ({ playAlert: () => (played.count += 1) }))

const escalation = (id: string, extra: Partial<EscalationDto> = {}): EscalationDto => ({
  id,
  raisedBy: 'dana',
  message: 'help',
  color: 'red',
  recipients: { userIds: ['eli'], groupIds: [] },
  startedAt: '2026-11-23T10:00:00.000Z',
  responses: [],
  ...extra,
})

function me(sound: boolean): MeResponse {
  return {
    user: {
      id: 'eli',
      email: 'eli@flare.test',
      displayName: 'Eli',
      phone: null,
      preferences: { emailNotifications: true, sound, push: false },
    },
    spaces: [],
  }
}

const snapshot: SpaceSnapshot = {
  protocolVersion: 1,
  spaceId: 's',
  serverTime: '2026-11-23T10:00:00.000Z',
  you: 'eli',
  members: [],
  rooms: [],
  escalations: [],
}

beforeEach(() => {
  played.count = 0
  useFlare.setState({ snapshot })
})

describe('escalation events in the browser', () => {
  it('[3] alerts once per escalation with the sound on, even when notified again after a reconnect', () => {
    useFlare.setState({ me: { status: 'ready', value: me(true) } })
    const { socket, fire } = fakeSocket()
    registerHandEvents(socket)
    fire('escalation:notify', { escalation: escalation('e1'), raiserName: 'Dana' })
    fire('escalation:notify', { escalation: escalation('e1'), raiserName: 'Dana' })
    expect(played.count).toBe(1)
    expect(useFlare.getState().notifications.map((n) => n.escalation.id)).toEqual(['e1'])
  })

  it('[3.3.1] a card dismissed in this page stays away when a reconnect sends it again', () => {
    useFlare.setState({ me: { status: 'ready', value: me(true) }, notifications: [] })
    const { socket, fire } = fakeSocket()
    registerHandEvents(socket)
    fire('escalation:notify', { escalation: escalation('gone'), raiserName: 'Dana' })
    fire('escalation:notify', { escalation: escalation('kept'), raiserName: 'Gus' })
    dismissNotification('gone')
    expect(useFlare.getState().notifications.map((n) => n.escalation.id)).toEqual(['kept'])
    // the reconnect's snapshot, then the server's cards of the unanswered hands again
    fire('space:snapshot', {
      ...snapshot,
      escalations: [escalation('gone'), escalation('kept')],
    })
    fire('escalation:notify', { escalation: escalation('gone'), raiserName: 'Dana' })
    fire('escalation:notify', { escalation: escalation('kept'), raiserName: 'Gus' })
    expect(useFlare.getState().notifications.map((n) => n.escalation.id)).toEqual(['kept'])
    expect(played.count).toBe(2)
  })

  it("[3] respects the person's own sound-off preference, and still shows the card", () => {
    useFlare.setState({ me: { status: 'ready', value: me(false) } })
    const { socket, fire } = fakeSocket()
    registerHandEvents(socket)
    fire('escalation:notify', { escalation: escalation('e2'), raiserName: 'Dana' })
    expect(played.count).toBe(0)
    expect(useFlare.getState().notifications).toHaveLength(1)
  })

  it('[3] keeps active escalations as state: started adds, response updates, ended removes card and pop-up', () => {
    const { socket, fire } = fakeSocket()
    registerHandEvents(socket)
    fire('escalation:started', escalation('e3'))
    fire('escalation:notify', { escalation: escalation('e3'), raiserName: 'Dana' })
    fire('escalation:response', {
      escalationId: 'e3',
      response: { userId: 'eli', action: 'approach', at: '2026-11-23T10:01:00.000Z' },
    })
    expect(useFlare.getState().snapshot?.escalations[0]?.responses).toHaveLength(1)
    fire('escalation:ended', {
      id: 'e3',
      raisedBy: 'dana',
      reason: 'raiser',
      endedBy: 'dana',
      endedAt: '',
    })
    expect(useFlare.getState().snapshot?.escalations).toEqual([])
    expect(useFlare.getState().notifications).toEqual([])
  })

  it('[3] tells the raiser when someone else ended their hand, and not when they lowered it', () => {
    const { socket, fire } = fakeSocket()
    registerHandEvents(socket)
    fire('escalation:started', escalation('mine', { raisedBy: 'eli' }))
    fire('escalation:ended', {
      id: 'mine',
      raisedBy: 'eli',
      reason: 'raiser',
      endedBy: 'eli',
      endedAt: '2026-11-23T10:02:00.000Z',
    })
    expect(useFlare.getState().handEnded).toBeNull()
    fire('escalation:started', escalation('again', { raisedBy: 'eli' }))
    const byManager = {
      id: 'again',
      raisedBy: 'eli',
      reason: 'ended_by_manager',
      endedBy: 'max',
      endedAt: '2026-11-23T10:03:00.000Z',
    }
    fire('escalation:ended', byManager)
    expect(useFlare.getState().handEnded).toEqual(byManager)
    // someone else's hand ending is not news to this raiser
    fire('escalation:started', escalation('other'))
    fire('escalation:ended', { ...byManager, id: 'other', raisedBy: 'dana' })
    expect(useFlare.getState().handEnded).toEqual(byManager)
  })
})
