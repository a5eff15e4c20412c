import type {
  BusinessCalendar,
  BusinessHoursResponse,
  EscalationRule,
  EscalationRuleCreate,
  EscalationRuleUpdate,
  InboxPhoneEscalation,
  InboxResponse,
  RecomputeStatus,
  RotationCreate,
  RotationDto,
  RotationUpdate,
} from '@flare/protocol'
import { request } from '../api.js'

const space = (spaceId: string) => `/spaces/${encodeURIComponent(spaceId)}`
const rule = (id: string, spaceId: string) =>
  `/tickets/escalation-rules/${encodeURIComponent(id)}?spaceId=${encodeURIComponent(spaceId)}`

/** The automation feature's REST calls; only the automation actions use them. */
export const automationApi = {
  businessHours: (spaceId: string) =>
    request<BusinessHoursResponse>('GET', `${space(spaceId)}/business-hours`),
  saveBusinessHours: (spaceId: string, calendar: BusinessCalendar) =>
    request<BusinessHoursResponse>('PUT', `${space(spaceId)}/business-hours`, { calendar }),
  recompute: (spaceId: string) =>
    request<RecomputeStatus>('GET', `${space(spaceId)}/automation/recompute`),
  saveInboxCalendar: (spaceId: string, inboxId: string, calendar: BusinessCalendar | null) =>
    request<InboxResponse>('PATCH', `${space(spaceId)}/inboxes/${encodeURIComponent(inboxId)}`, {
      calendar,
    }),

  rules: (spaceId: string) =>
    request<{ rules: EscalationRule[] } | EscalationRule[]>(
      'GET',
      `/tickets/escalation-rules?spaceId=${encodeURIComponent(spaceId)}`,
    ),
  createRule: (spaceId: string, body: EscalationRuleCreate) =>
    request<{ rule: EscalationRule } | EscalationRule>(
      'POST',
      `/tickets/escalation-rules?spaceId=${encodeURIComponent(spaceId)}`,
      body,
    ),
  updateRule: (spaceId: string, id: string, body: EscalationRuleUpdate) =>
    request<{ rule: EscalationRule } | EscalationRule>('PUT', rule(id, spaceId), body),
  deleteRule: (spaceId: string, id: string) => request<void>('DELETE', rule(id, spaceId)),

  rotations: (spaceId: string) =>
    request<{ rotations: RotationDto[] } | RotationDto[]>('GET', `${space(spaceId)}/rotations`),
  createRotation: (spaceId: string, body: RotationCreate) =>
    request<{ rotation: RotationDto } | RotationDto>('POST', `${space(spaceId)}/rotations`, body),
  updateRotation: (spaceId: string, id: string, body: RotationUpdate) =>
    request<{ rotation: RotationDto } | RotationDto>(
      'PUT',
      `${space(spaceId)}/rotations/${encodeURIComponent(id)}`,
      body,
    ),
  deleteRotation: (spaceId: string, id: string) =>
    request<void>('DELETE', `${space(spaceId)}/rotations/${encodeURIComponent(id)}`),

  inboxPhone: (spaceId: string, inboxId: string) =>
    request<InboxPhoneEscalation | { escalation: InboxPhoneEscalation }>(
      'GET',
      `${space(spaceId)}/inboxes/${encodeURIComponent(inboxId)}/escalation-phone`,
    ),
  saveInboxPhone: (spaceId: string, inboxId: string, body: InboxPhoneEscalation) =>
    request<InboxPhoneEscalation | { escalation: InboxPhoneEscalation }>(
      'PUT',
      `${space(spaceId)}/inboxes/${encodeURIComponent(inboxId)}/escalation-phone`,
      body,
    ),
}
