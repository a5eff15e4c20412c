import type { ClientEventHandlers } from '../realtime/socket-handlers.js'
import type { Actor, HandService } from './hand-service.js'

interface HandHandlerDeps {
  service: HandService
  spaceId: string
  actor: Actor
}

/** The escalation events of one connection (SPEC §9). */
export function createHandHandlers({ service, spaceId, actor }: HandHandlerDeps) {
  return {
    'escalation:raise': async (input) => ({
      ok: true,
      escalation: await service.raise(spaceId, actor, input, 'space'),
    }),
    'escalation:end': async ({ escalationId }) => ({
      ok: true,
      ended: await service.end(spaceId, actor, escalationId),
    }),
    'escalation:lower-all': async () => ({
      ok: true,
      ended: await service.lowerAll(spaceId, actor),
    }),
    'escalation:respond': async (input) => ({
      ok: true,
      ...(await service.respond(spaceId, actor, input)),
    }),
  } satisfies ClientEventHandlers
}
