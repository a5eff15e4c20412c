import type {
  ApiError,
  ErrorBody,
  LoginRequest,
  LoginResponse,
  MeResponse,
  PreferencesUpdate,
  RecentEscalationMessages,
  SpaceResponse,
  UserPreferences,
} from '@flare/protocol'

/** A refused or failed API call, carrying the server's `{code, message, field?}`. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message)
    this.name = 'ApiRequestError'
  }
}

/** What a form shows for a failed write: the server's error, or a plain sentence. */
export function problemOf(error: unknown): ApiError {
  return error instanceof ApiRequestError
    ? error.error
    : { code: 'INTERNAL', message: 'Something went wrong. Try again.' }
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error
  return typeof error?.code === 'string' && typeof error.message === 'string'
}

/**
 * One call to Flare's REST API. `T` is the protocol's type of the route's answer (the schema
 * the server serializes it with), never a guess at several shapes.
 */
export async function fetchApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiRequestError(0, {
      code: 'INTERNAL',
      message: 'Flare cannot be reached. Check your connection and try again.',
    })
  }
  if (response.status === 204) return undefined as T
  const payload: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    throw new ApiRequestError(
      response.status,
      isErrorBody(payload)
        ? payload.error
        : { code: 'INTERNAL', message: `The server answered ${response.status}.` },
    )
  }
  return payload as T
}

export const api = {
  login: (body: LoginRequest) => fetchApi<LoginResponse>('POST', '/auth/login', body),
  logout: () => fetchApi<void>('POST', '/auth/logout'),
  me: () => fetchApi<MeResponse>('GET', '/me'),
  space: (spaceId: string) =>
    fetchApi<SpaceResponse>('GET', `/spaces/${encodeURIComponent(spaceId)}`),
  setPreferences: (change: PreferencesUpdate) =>
    fetchApi<UserPreferences>('PATCH', '/me/preferences', change),
  recentEscalationMessages: (spaceId: string) =>
    fetchApi<RecentEscalationMessages>(
      'GET',
      `/spaces/${encodeURIComponent(spaceId)}/escalations/recent-messages`,
    ),
}
