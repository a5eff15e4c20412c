import type { EscalationEnded } from '@flare/protocol/client'
import type { StateCreator } from 'zustand'
import type { FlareState } from './index.js'

/**
 * What the main pane shows: the office map, the inbox with the map as a mini-map, or (admins
 * and managers) the supervisor's view.
 */
export type MainView = 'space' | 'inbox' | 'supervisor'
/** The phone's bottom navigation. */
/** The phone's sections; `supervisor` only for admins and managers. */
export type PhoneTab = 'space' | 'inbox' | 'chat' | 'supervisor' | 'me'
export type ThemeChoice = 'system' | 'light' | 'dark'

/** The workspace's layout and what the raiser is told. Owned by `layout/`. */
export interface LayoutSlice {
  mainView: MainView
  phoneTab: PhoneTab
  /** The side panel's width in pixels, remembered in localStorage. */
  panelWidth: number
  theme: ThemeChoice
  /** Your own hand that ended by someone else's doing or the server's, until you dismiss it. */
  handEnded: EscalationEnded | null
}

export const DEFAULT_PANEL_WIDTH = 360

export const createLayoutSlice: StateCreator<FlareState, [], [], LayoutSlice> = () => ({
  mainView: 'space',
  phoneTab: 'space',
  panelWidth: DEFAULT_PANEL_WIDTH,
  theme: 'system',
  handEnded: null,
})
