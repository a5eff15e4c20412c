import type { MeResponse, SpaceResponse, SpaceSnapshot } from '@flare/protocol/client'
import { create, type StateCreator } from 'zustand'
import { type AutomationSlice, createAutomationSlice } from './automation-slice.js'
import { type ChatSlice, createChatSlice } from './chat-slice.js'
import { createHandSlice, type HandSlice } from './hand-slice.js'
import { createInboxSlice, type InboxSlice } from './inbox-slice.js'
import { createLayoutSlice, type LayoutSlice } from './layout-slice.js'
import { createSupervisorSlice, type SupervisorSlice } from './supervisor-slice.js'

export type Loadable<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'error'; message: string }

export interface SessionSlice {
  /** Who is logged in: `ready` with null when nobody is. */
  me: Loadable<MeResponse | null>
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'refused'

export interface SpaceSlice {
  spaceId: string | null
  space: Loadable<SpaceResponse>
  connection: { state: ConnectionState; message: string | null }
  snapshot: SpaceSnapshot | null
  /** The latest sentence for screen readers (joins, leaves, mentions), read by a live region. */
  announcement: { text: string; seq: number }
}

export type FlareState = SessionSlice &
  SpaceSlice &
  ChatSlice &
  InboxSlice &
  HandSlice &
  AutomationSlice &
  LayoutSlice &
  SupervisorSlice

const createSessionSlice: StateCreator<FlareState, [], [], SessionSlice> = () => ({
  me: { status: 'idle' },
})

const createSpaceSlice: StateCreator<FlareState, [], [], SpaceSlice> = () => ({
  spaceId: null,
  space: { status: 'idle' },
  connection: { state: 'connecting', message: null },
  snapshot: null,
  announcement: { text: '', seq: 0 },
})

export const useFlare = create<FlareState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createSpaceSlice(...a),
  ...createChatSlice(...a),
  ...createInboxSlice(...a),
  ...createHandSlice(...a),
  ...createAutomationSlice(...a),
  ...createLayoutSlice(...a),
  ...createSupervisorSlice(...a),
}))

const initialState = useFlare.getState()

/** Says something through the ARIA live region. */
export function announce(text: string): void {
  useFlare.setState((s) => ({ announcement: { text, seq: s.announcement.seq + 1 } }))
}

/** Back to a fresh store: on logout, and between tests. */
export function resetStore(): void {
  useFlare.setState(initialState, true)
}
