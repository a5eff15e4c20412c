import {
  type ChatMentions,
  type ChatMessageDto,
  type ChatRecipient,
  chatBodyProblem,
  directThreadKey,
  ErrorCode,
  parseThreadKey,
  type Result,
} from '@flare/protocol/client'
import { ApiRequestError } from '../api.js'
import { request } from '../socket.js'
import type { ChatDraft, ChatThreadState, SidePanelTab } from '../store/chat-slice.js'
import { announce, useFlare } from '../store/index.js'
import { chatApi } from './chat-api.js'
import {
  emptyThread,
  mentionsUser,
  mergeMessages,
  unreadTail,
  withLatestPage,
} from './chat-state.js'

// The chat's actions: the only chat code that talks to the server. Components call these and
// read the store; `chat-socket.ts` hands the server's events to `receiveChatMessage`.

function messageOf(error: unknown): string {
  return error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.'
}

function myId(): string | null {
  const me = useFlare.getState().me
  return me.status === 'ready' && me.value ? me.value.user.id : null
}

function updateThread(threadKey: string, change: (thread: ChatThreadState) => ChatThreadState) {
  useFlare.setState((s) => ({
    chatThreads: {
      ...s.chatThreads,
      [threadKey]: change(s.chatThreads[threadKey] ?? emptyThread(threadKey, myId())),
    },
  }))
}

function mentionsMe(message: ChatMessageDto): boolean {
  const me = myId()
  const space = useFlare.getState().space
  return (
    me !== null && mentionsUser(message, me, space.status === 'ready' ? space.value.groups : [])
  )
}

/**
 * Places the "New messages" divider once the messages it goes above are loaded, and finds a
 * mention among the unread ones (the thread list only told us about the last message).
 */
function withUnreadPlaced(thread: ChatThreadState): ChatThreadState {
  if (thread.history !== 'ready') return thread
  const me = myId()
  const placed =
    thread.unreadOnOpen > 0
      ? {
          firstUnreadId: unreadTail(thread.messages, thread.unreadOnOpen, me)[0]?.id ?? null,
          unreadOnOpen: 0,
        }
      : {}
  const mentioned =
    thread.unread > 0 &&
    (thread.mentioned || unreadTail(thread.messages, thread.unread, me).some(mentionsMe))
  return { ...thread, ...placed, mentioned }
}

/** Whether the person is looking at this thread right now. */
function isWatching(threadKey: string): boolean {
  const s = useFlare.getState()
  const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden'
  return !hidden && s.sidePanelTab === 'chat' && s.chatOpenThread === threadKey
}

export function setSidePanelTab(tab: SidePanelTab): void {
  useFlare.setState({ sidePanelTab: tab })
  const open = useFlare.getState().chatOpenThread
  if (tab === 'chat' && open) {
    // what came in while the chat was hidden is new to the reader: the divider goes above it
    if ((useFlare.getState().chatThreads[open]?.unread ?? 0) > 0) placeNewMessagesDivider(open)
    markThreadRead(open)
  }
}

/** Loads the threads with their unread counts (on every (re)connection, and on Retry). */
export async function loadChatThreads(): Promise<void> {
  const { spaceId, chatSpaceId } = useFlare.getState()
  if (!spaceId) return
  if (chatSpaceId !== null && chatSpaceId !== spaceId) {
    // another space: nothing of the previous one's chat carries over
    useFlare.setState({ chatThreads: {}, chatOpenThread: null, chatDrafts: {} })
  }
  useFlare.setState({ chatSpaceId: spaceId })
  useFlare.setState({ chatThreadList: { status: 'loading', message: null } })
  try {
    const { threads } = await chatApi.threads(spaceId)
    if (useFlare.getState().spaceId !== spaceId) return
    useFlare.setState((s) => {
      const next = { ...s.chatThreads }
      for (const t of threads) {
        const known = next[t.threadKey] ?? emptyThread(t.threadKey, myId())
        next[t.threadKey] = {
          ...known,
          otherUserId: t.otherUserId,
          unread: t.unread,
          mentioned:
            t.unread > 0 &&
            (known.mentioned || (t.lastMessage !== null && mentionsMe(t.lastMessage))),
          messages: t.lastMessage ? mergeMessages(known.messages, [t.lastMessage]) : known.messages,
        }
      }
      return { chatThreads: next, chatThreadList: { status: 'ready', message: null } }
    })
    const open = useFlare.getState().chatOpenThread
    if (open) {
      // after a reconnect the open thread may have missed messages
      await loadLatestMessages(open)
      if (isWatching(open)) markThreadRead(open)
    }
  } catch (error) {
    useFlare.setState({ chatThreadList: { status: 'error', message: messageOf(error) } })
  }
}

/** The newest page of a thread, laid over whatever was loaded before. */
export async function loadLatestMessages(threadKey: string): Promise<void> {
  const spaceId = useFlare.getState().spaceId
  if (!spaceId) return
  updateThread(threadKey, (t) => ({
    ...t,
    history: t.history === 'ready' ? 'ready' : 'loading',
    historyError: null,
  }))
  try {
    const page = await chatApi.messages(spaceId, threadKey, null)
    updateThread(threadKey, (t) => withUnreadPlaced(withLatestPage(t, page)))
  } catch (error) {
    updateThread(threadKey, (t) => ({ ...t, history: 'error', historyError: messageOf(error) }))
  }
}

/** One more page of older messages ("Load earlier"). */
export async function loadEarlierMessages(threadKey: string): Promise<void> {
  const { spaceId, chatThreads } = useFlare.getState()
  const thread = chatThreads[threadKey]
  if (!spaceId || !thread?.nextCursor || thread.loadingEarlier) return
  updateThread(threadKey, (t) => ({ ...t, loadingEarlier: true, historyError: null }))
  try {
    const page = await chatApi.messages(spaceId, threadKey, thread.nextCursor)
    updateThread(threadKey, (t) => ({
      ...t,
      messages: mergeMessages(t.messages, page.messages),
      nextCursor: page.nextCursor,
      loadingEarlier: false,
    }))
  } catch (error) {
    updateThread(threadKey, (t) => ({
      ...t,
      loadingEarlier: false,
      historyError: messageOf(error),
    }))
  }
}

/**
 * Remembers where the thread's unread messages start before they are marked read, so it opens
 * there under a "New messages" divider; placed at once when the history is here, else when it
 * arrives.
 */
function placeNewMessagesDivider(threadKey: string): void {
  updateThread(threadKey, (t) =>
    withUnreadPlaced({ ...t, firstUnreadId: null, unreadOnOpen: t.unread }),
  )
}

/** Shows a thread in the chat panel at its first unread message, loading its history the first time. */
export function openChatThread(threadKey: string): void {
  placeNewMessagesDivider(threadKey)
  useFlare.setState({ chatOpenThread: threadKey })
  const thread = useFlare.getState().chatThreads[threadKey]
  if (!thread || thread.history === 'idle' || thread.history === 'error') {
    void loadLatestMessages(threadKey)
  }
  if (isWatching(threadKey)) markThreadRead(threadKey)
}

/** Back to the list of threads. */
export function closeChatThread(): void {
  useFlare.setState({ chatOpenThread: null })
}

/**
 * Opens the direct (mention) chat with a member: switches the side panel to Chat and shows the
 * thread, ready to write. The escalation's "Chat" button calls this.
 */
export function openDirectChat(userId: string): void {
  const me = myId()
  if (!me || userId === me) return
  useFlare.setState({ sidePanelTab: 'chat' })
  openChatThread(directThreadKey(me, userId))
}

/** Tells the server (and our other tabs) that the thread has been read. */
export function markThreadRead(threadKey: string): void {
  const thread = useFlare.getState().chatThreads[threadKey]
  if (!thread || thread.unread === 0) return
  updateThread(threadKey, (t) => ({ ...t, unread: 0, mentioned: false }))
  void request('chat:read', { threadKey })
}

/** Another tab of ours read a thread. */
export function clearUnread(threadKey: string): void {
  if (useFlare.getState().chatThreads[threadKey])
    updateThread(threadKey, (t) => ({ ...t, unread: 0, mentioned: false }))
}

/** A message from the server (ours echoed back included): stored, counted, announced. */
export function receiveChatMessage(message: ChatMessageDto): void {
  const me = myId()
  const known = useFlare.getState().chatThreads[message.threadKey]
  const isNew = !known?.messages.some((m) => m.id === message.id)
  const fromOther = message.authorId !== me
  const watching = isWatching(message.threadKey)
  const counted = isNew && fromOther && !watching
  const mention = counted && mentionsMe(message)
  updateThread(message.threadKey, (t) => ({
    ...t,
    messages: mergeMessages(t.messages, [message]),
    unread: counted ? t.unread + 1 : t.unread,
    mentioned: t.mentioned || mention,
  }))
  if (!isNew || !fromOther || !me) return
  if (watching) {
    // the open thread's message log reads it out itself
    void request('chat:read', { threadKey: message.threadKey })
    return
  }
  if (mention) {
    const where = message.kind === 'space' ? 'in the space channel' : 'in a direct message'
    announce(`${message.authorName} mentioned you ${where}: ${message.body.slice(0, 140)}`)
  }
}

/**
 * Sends a message to a thread. Resolves with the server's answer; a refused message stays in
 * the composer so nothing typed is lost.
 */
export function sendChatMessage(
  threadKey: string,
  body: string,
  mentions: ChatMentions,
): Promise<Result<{ message: ChatMessageDto }>> {
  const problem = chatBodyProblem(body)
  if (problem) {
    return Promise.resolve({
      ok: false,
      error: { code: ErrorCode.VALIDATION, message: problem, field: 'body' },
    })
  }
  const me = myId()
  const thread = parseThreadKey(threadKey)
  const other = thread?.kind === 'direct' ? thread.userIds.find((id) => id !== me) : undefined
  const to: ChatRecipient | null =
    thread?.kind === 'space' ? { kind: 'space' } : other ? { kind: 'direct', userId: other } : null
  if (!to) {
    return Promise.resolve({
      ok: false,
      error: { code: ErrorCode.NOT_FOUND, message: 'No such chat.' },
    })
  }
  return request('chat:send', { to, body, mentions }).then((result) => {
    if (result.ok) {
      receiveChatMessage(result.message)
      // sent: the draft goes, unless more was written in the meantime
      updateChatDraft(threadKey, (draft) =>
        draft.body === body ? { body: '', picked: [] } : draft,
      )
    }
    return result
  })
}

/** Changes what is written in a thread's composer; a draft whose text is empty is dropped. */
export function updateChatDraft(threadKey: string, change: (draft: ChatDraft) => ChatDraft): void {
  useFlare.setState((s) => {
    const { [threadKey]: previous, ...others } = s.chatDrafts
    const next = change(previous ?? { body: '', picked: [] })
    return { chatDrafts: next.body === '' ? others : { ...others, [threadKey]: next } }
  })
}
