import type { EscalationNotification } from '@flare/protocol'
import type { StateCreator } from 'zustand'
import type { FlareState } from './index.js'

/** Manual escalations: the active ones live in the snapshot; this is what is yours alone. */
export interface HandSlice {
  /** Red escalations that notified you and are still up, newest last. */
  notifications: EscalationNotification[]
  /** Whether the raise dialog is open. */
  escalationDialogOpen: boolean
  /** Server clock minus this browser's, so "up for 3 min" uses the server's time. */
  serverSkewMs: number
}

export const createHandSlice: StateCreator<FlareState, [], [], HandSlice> = () => ({
  notifications: [],
  escalationDialogOpen: false,
  serverSkewMs: 0,
})
