import {
  CHAT_PAGE_DEFAULT,
  type ChatHistoryResponse,
  type ChatThreadsResponse,
  type ErrorBody,
} from '@flare/protocol/client'
import { ApiRequestError } from '../api.js'

async function getJson<T>(path: string): Promise<T> {
  let response: Response
  try {
    response = await fetch(`/api${path}`, { credentials: 'same-origin' })
  } catch {
    throw new ApiRequestError(0, {
      code: 'INTERNAL',
      message: 'Flare cannot be reached. Check your connection and try again.',
    })
  }
  const payload: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    const error = (payload as Partial<ErrorBody> | null)?.error
    throw new ApiRequestError(
      response.status,
      error?.code && error.message
        ? error
        : { code: 'INTERNAL', message: `The server answered ${response.status}.` },
    )
  }
  return payload as T
}

/** The chat's REST calls: the thread list and paged history. */
export const chatApi = {
  threads: (spaceId: string) =>
    getJson<ChatThreadsResponse>(`/spaces/${encodeURIComponent(spaceId)}/chat/threads`),
  messages: (spaceId: string, threadKey: string, before: string | null) =>
    getJson<ChatHistoryResponse>(
      `/spaces/${encodeURIComponent(spaceId)}/chat/threads/${encodeURIComponent(threadKey)}/messages?limit=${CHAT_PAGE_DEFAULT}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    ),
}
