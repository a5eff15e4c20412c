import type { ChatMessageDto } from '@flare/protocol'
import type { StateCreator } from 'zustand'
import type { FlareState } from './index.js'

export type SidePanelTab = 'hands' | 'people' | 'chat' | 'inbox'

/** One chat thread as this tab knows it: the loaded part of its history and its unread count. */
export interface ChatThreadState {
  threadKey: string
  kind: 'space' | 'direct'
  /** For a direct thread, the other person. */
  otherUserId: string | null
  unread: number
  /** Loaded messages, oldest first, each once. */
  messages: ChatMessageDto[]
  history: 'idle' | 'loading' | 'ready' | 'error'
  historyError: string | null
  /** Where the page before the loaded ones starts; null once the start is loaded. */
  nextCursor: string | null
  loadingEarlier: boolean
}

/** Chat state. Owned by the chat feature. */
export interface ChatSlice {
  /** Which tab the side panel shows; the chat opens itself here when asked to (e.g. from an escalation). */
  sidePanelTab: SidePanelTab
  /** The space whose chat is loaded, so switching spaces starts afresh. */
  chatSpaceId: string | null
  chatThreadList: { status: 'idle' | 'loading' | 'ready' | 'error'; message: string | null }
  chatThreads: Record<string, ChatThreadState>
  /** The thread shown in the chat panel, or null for the list of threads. */
  chatOpenThread: string | null
}

export const createChatSlice: StateCreator<FlareState, [], [], ChatSlice> = () => ({
  sidePanelTab: 'hands',
  chatSpaceId: null,
  chatThreadList: { status: 'idle', message: null },
  chatThreads: {},
  chatOpenThread: null,
})
