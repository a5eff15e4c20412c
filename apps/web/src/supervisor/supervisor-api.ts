import type {
  AuditResponse,
  DeletedResponse,
  EscalationRuleListResponse,
  MetricsResponse,
  PerspectiveResponse,
  WallboardCreated,
  WallboardListResponse,
} from '@flare/protocol/client'
import { fetchApi } from '../api.js'

const space = (spaceId: string) => `/spaces/${encodeURIComponent(spaceId)}`

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => Boolean(e[1]))
  return entries.length > 0 ? `?${new URLSearchParams(entries).toString()}` : ''
}

/** The supervisor's REST calls (SPEC §8.2–§8.5); only the supervisor actions use them. */
export const supervisorApi = {
  metrics: (spaceId: string, params: Record<string, string | undefined>) =>
    fetchApi<MetricsResponse>('GET', `${space(spaceId)}/metrics${query(params)}`),
  perspective: (spaceId: string, params: Record<string, string | undefined>) =>
    fetchApi<PerspectiveResponse>('GET', `${space(spaceId)}/perspective${query(params)}`),
  audit: (spaceId: string, params: Record<string, string | undefined>) =>
    fetchApi<AuditResponse>('GET', `${space(spaceId)}/audit${query(params)}`),
  rules: (spaceId: string) =>
    fetchApi<EscalationRuleListResponse>('GET', `/tickets/escalation-rules${query({ spaceId })}`),
  wallboards: (spaceId: string) =>
    fetchApi<WallboardListResponse>('GET', `${space(spaceId)}/wallboards`),
  createWallboard: (spaceId: string, name: string, inboxId: string | null) =>
    fetchApi<WallboardCreated>('POST', `${space(spaceId)}/wallboards`, { name, inboxId }),
  revokeWallboard: (spaceId: string, wallboardId: string) =>
    fetchApi<DeletedResponse>(
      'DELETE',
      `${space(spaceId)}/wallboards/${encodeURIComponent(wallboardId)}`,
    ),
}
