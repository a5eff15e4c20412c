import { EmptyPayload, EscalationEnd, EscalationRaise, EscalationRespond } from '@flare/protocol'
import type { FastifyBaseLogger } from 'fastify'
import { handleWithAck } from '../realtime/ack.js'
import type { Actor, EscalationService } from './escalation-service.js'

interface EscalationHandlerDeps {
  log: FastifyBaseLogger
  service: EscalationService
  spaceId: string
  actor: Actor
}

/** The escalation events of one connection (SPEC §9). */
export function createEscalationHandlers({ log, service, spaceId, actor }: EscalationHandlerDeps) {
  return {
    'escalation:raise': handleWithAck(log, EscalationRaise, async (input) => ({
      ok: true as const,
      escalation: await service.raise(spaceId, actor, input, 'space'),
    })),
    'escalation:end': handleWithAck(log, EscalationEnd, async ({ escalationId }) => ({
      ok: true as const,
      ended: await service.end(spaceId, actor, escalationId),
    })),
    'escalation:lower-all': handleWithAck(log, EmptyPayload, async () => ({
      ok: true as const,
      ended: await service.lowerAll(spaceId, actor),
    })),
    'escalation:respond': handleWithAck(log, EscalationRespond, async (input) => ({
      ok: true as const,
      ...(await service.respond(spaceId, actor, input)),
    })),
  }
}
