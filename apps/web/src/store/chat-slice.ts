import type { StateCreator } from 'zustand'
import type { FlareState } from './index.js'

/** Chat state. Owned by the chat feature. */
// biome-ignore lint/suspicious/noEmptyInterface: the chat feature adds its fields here
export interface ChatSlice {}

export const createChatSlice: StateCreator<FlareState, [], [], ChatSlice> = () => ({})
