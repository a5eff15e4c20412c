import type { ClientEventHandlers } from '../realtime/socket-handlers.js'
import type { Actor, EscalationService } from './escalation-service.js'

interface EscalationHandlerDeps {
  service: EscalationService
  spaceId: string
  actor: Actor
}

/** The escalation events of one connection (SPEC §9). */
export function createEscalationHandlers({ service, spaceId, actor }: EscalationHandlerDeps) {
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
