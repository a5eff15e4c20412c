import type {
  AuditResponse,
  EscalationRule,
  MetricsResponse,
  WallboardCreated,
  WallboardDto,
} from '@flare/protocol/client'
import { ApiRequestError } from '../api.js'
import { useFlare } from '../store/index.js'
import { NO_PERSPECTIVE_FILTER, type PerspectiveFilter } from '../store/supervisor-slice.js'
import { supervisorApi } from './supervisor-api.js'

// The supervisor's module-level actions: its components call these, never fetch.

export function messageOf(error: unknown): string {
  return error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.'
}

/** A call's answer, or the message to show instead. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string }

async function attempt<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() }
  } catch (error) {
    return { ok: false, message: messageOf(error) }
  }
}

function spaceIdNow(): string {
  const spaceId = useFlare.getState().spaceId
  if (!spaceId) throw new ApiRequestError(0, { code: 'NOT_FOUND', message: 'No space is open.' })
  return spaceId
}

export function fetchMetrics(params: {
  from: string
  to: string
  inboxId?: string
  priority?: string
  teamId?: string
}): Promise<Outcome<MetricsResponse>> {
  return attempt(() => supervisorApi.metrics(spaceIdNow(), params))
}

export function fetchAudit(params: {
  kind?: string
  cursor?: string
}): Promise<Outcome<AuditResponse>> {
  return attempt(() => supervisorApi.audit(spaceIdNow(), { ...params, limit: '50' }))
}

export function fetchRules(): Promise<Outcome<EscalationRule[]>> {
  return attempt(async () => (await supervisorApi.rules(spaceIdNow())).rules)
}

export function fetchWallboards(): Promise<Outcome<WallboardDto[]>> {
  return attempt(async () => (await supervisorApi.wallboards(spaceIdNow())).wallboards)
}

export function createWallboard(
  name: string,
  inboxId: string | null,
): Promise<Outcome<WallboardCreated>> {
  return attempt(() => supervisorApi.createWallboard(spaceIdNow(), name, inboxId))
}

export function revokeWallboard(wallboardId: string): Promise<Outcome<unknown>> {
  return attempt(() => supervisorApi.revokeWallboard(spaceIdNow(), wallboardId))
}

const PAGE_SIZE = '50'

function perspectiveQuery(filter: PerspectiveFilter, cursor?: string) {
  return {
    inboxId: filter.inboxId || undefined,
    level: filter.level || undefined,
    ruleId: filter.ruleId || undefined,
    assignee: filter.assignee || undefined,
    limit: PAGE_SIZE,
    cursor,
  }
}

/** Loads the perspective's first page under a filter; live updates apply from then on. */
export async function loadPerspective(change: Partial<PerspectiveFilter> = {}): Promise<void> {
  const filter = { ...useFlare.getState().perspective.filter, ...change }
  useFlare.setState((s) => ({
    perspective: { ...s.perspective, filter, status: 'loading', message: null },
  }))
  try {
    const page = await supervisorApi.perspective(spaceIdNow(), perspectiveQuery(filter))
    // a newer filter was asked for meanwhile: its answer wins
    if (useFlare.getState().perspective.filter !== filter) return
    useFlare.setState({
      perspective: {
        status: 'ready',
        message: null,
        filter,
        items: page.items,
        nextCursor: page.nextCursor,
      },
    })
  } catch (error) {
    useFlare.setState((s) => ({
      perspective: { ...s.perspective, status: 'error', message: messageOf(error) },
    }))
  }
}

export async function loadMorePerspective(): Promise<void> {
  const { filter, nextCursor, items } = useFlare.getState().perspective
  if (!nextCursor) return
  try {
    const page = await supervisorApi.perspective(spaceIdNow(), perspectiveQuery(filter, nextCursor))
    const known = new Set(items.map((i) => i.ticket.id))
    useFlare.setState((s) => ({
      perspective: {
        ...s.perspective,
        // a ticket that fired again since moved to the top: it is not repeated below
        items: [...s.perspective.items, ...page.items.filter((i) => !known.has(i.ticket.id))],
        nextCursor: page.nextCursor,
      },
    }))
  } catch (error) {
    useFlare.setState((s) => ({ perspective: { ...s.perspective, message: messageOf(error) } }))
  }
}

export function resetPerspectiveFilter(): Promise<void> {
  return loadPerspective(NO_PERSPECTIVE_FILTER)
}

/** Saves text as a file through the browser's download. */
export function downloadFile(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
