import type { PerspectiveItem } from '@flare/protocol/client'
import type { StateCreator } from 'zustand'
import type { FlareState } from './index.js'

/** What the perspective shows: every filter is optional ('' = any). */
export interface PerspectiveFilter {
  inboxId: string
  level: string
  ruleId: string
  /** A member's id, `none` for unassigned, '' for anyone. */
  assignee: string
}

export const NO_PERSPECTIVE_FILTER: PerspectiveFilter = {
  inboxId: '',
  level: '',
  ruleId: '',
  assignee: '',
}

/** The perspective of escalated tickets (SPEC §8.3), kept live by `perspective:updated`. */
export interface PerspectiveState {
  status: 'idle' | 'loading' | 'ready' | 'error'
  message: string | null
  filter: PerspectiveFilter
  /** Newest firing first; one row per ticket. */
  items: PerspectiveItem[]
  nextCursor: string | null
}

/** The supervisor's live state. Owned by `supervisor/`; its pages load on demand. */
export interface SupervisorSlice {
  perspective: PerspectiveState
}

export const createSupervisorSlice: StateCreator<FlareState, [], [], SupervisorSlice> = () => ({
  perspective: {
    status: 'idle',
    message: null,
    filter: NO_PERSPECTIVE_FILTER,
    items: [],
    nextCursor: null,
  },
})
