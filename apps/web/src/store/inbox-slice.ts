import type { StateCreator } from 'zustand'
import type { FlareState } from './index.js'

/** Inbox state. Owned by the inbox feature. */
// biome-ignore lint/suspicious/noEmptyInterface: the inbox feature adds its fields here
export interface InboxSlice {}

export const createInboxSlice: StateCreator<FlareState, [], [], InboxSlice> = () => ({})
