import type { ChatMessageDto } from '@flare/protocol'
import type { StateCreator } from 'zustand'
import type { Mentionable } from '../mentions.js'
import type { FlareState } from './index.js'

export type SidePanelTab = 'hands' | 'people' | 'chat' | 'inbox'

/** One chat thread as this tab knows it: the loaded part of its history and its unread count. */
export interface ChatThreadState {
  threadKey: string
  kind: 'space' | 'direct'
  /** For a direct thread, the other person. */
  otherUserId: string | null
  unread: number
  /** Whether one of the unread messages mentions you (you, or a group of yours). */
  mentioned: boolean
  /**
   * The first message that was unread when the thread was opened: the "New messages" divider
   * goes above it and the thread opens there. Null to open at the newest message.
   */
  firstUnreadId: string | null
  /** Unread messages the divider still has to be placed for, once the history has arrived. */
  unreadOnOpen: number
  /** Loaded messages, oldest first, each once. */
  messages: ChatMessageDto[]
  history: 'idle' | 'loading' | 'ready' | 'error'
  historyError: string | null
  /** Where the page before the loaded ones starts; null once the start is loaded. */
  nextCursor: string | null
  loadingEarlier: boolean
}

/** A message written but not sent yet, kept per thread for the page's life. */
export interface ChatDraft {
  body: string
  /** The people and groups picked from the suggestions, so they still count once sent. */
  picked: Mentionable[]
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
  /** Unsent messages by thread key; a thread without a draft has no entry. */
  chatDrafts: Record<string, ChatDraft>
}

export const createChatSlice: StateCreator<FlareState, [], [], ChatSlice> = () => ({
  sidePanelTab: 'hands',
  chatSpaceId: null,
  chatThreadList: { status: 'idle', message: null },
  chatThreads: {},
  chatOpenThread: null,
  chatDrafts: {},
})
