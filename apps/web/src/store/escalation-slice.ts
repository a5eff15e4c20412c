import type { StateCreator } from 'zustand'
import type { FlareState } from './index.js'

/** Escalation state. Owned by the escalation feature. */
// biome-ignore lint/suspicious/noEmptyInterface: the escalation feature adds its fields here
export interface EscalationSlice {}

export const createEscalationSlice: StateCreator<FlareState, [], [], EscalationSlice> = () => ({})
