import {
  CHAT_PAGE_DEFAULT,
  type ChatHistoryResponse,
  type ChatThreadsResponse,
} from '@flare/protocol/client'
import { fetchApi } from '../api.js'

/** The chat's REST calls: the thread list and paged history. */
export const chatApi = {
  threads: (spaceId: string) =>
    fetchApi<ChatThreadsResponse>('GET', `/spaces/${encodeURIComponent(spaceId)}/chat/threads`),
  messages: (spaceId: string, threadKey: string, before: string | null) =>
    fetchApi<ChatHistoryResponse>(
      'GET',
      `/spaces/${encodeURIComponent(spaceId)}/chat/threads/${encodeURIComponent(threadKey)}/messages?limit=${CHAT_PAGE_DEFAULT}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    ),
}
