import type {
  BusinessCalendar,
  BusinessHoursResponse,
  DeletedResponse,
  EscalationRuleCreate,
  EscalationRuleListResponse,
  EscalationRuleResponse,
  EscalationRuleUpdate,
  InboxPhoneEscalation,
  InboxPhoneEscalationResponse,
  InboxResponse,
  InboxTriggers,
  InboxTriggersResponse,
  RecomputeStatus,
  RotationCreate,
  RotationListResponse,
  RotationResponse,
  RotationUpdate,
  SlaPoliciesResponse,
  SlaPoliciesUpdate,
} from '@flare/protocol'
import { fetchApi } from '../api.js'

const space = (spaceId: string) => `/spaces/${encodeURIComponent(spaceId)}`
const rule = (id: string, spaceId: string) =>
  `/tickets/escalation-rules/${encodeURIComponent(id)}?spaceId=${encodeURIComponent(spaceId)}`

/** The automation feature's REST calls; only the automation actions use them. */
export const automationApi = {
  businessHours: (spaceId: string) =>
    fetchApi<BusinessHoursResponse>('GET', `${space(spaceId)}/business-hours`),
  saveBusinessHours: (spaceId: string, calendar: BusinessCalendar) =>
    fetchApi<BusinessHoursResponse>('PUT', `${space(spaceId)}/business-hours`, { calendar }),
  recompute: (spaceId: string) =>
    fetchApi<RecomputeStatus>('GET', `${space(spaceId)}/automation/recompute`),
  saveInboxCalendar: (spaceId: string, inboxId: string, calendar: BusinessCalendar | null) =>
    fetchApi<InboxResponse>('PATCH', `${space(spaceId)}/inboxes/${encodeURIComponent(inboxId)}`, {
      calendar,
    }),

  rules: (spaceId: string) =>
    fetchApi<EscalationRuleListResponse>(
      'GET',
      `/tickets/escalation-rules?spaceId=${encodeURIComponent(spaceId)}`,
    ),
  createRule: (spaceId: string, body: EscalationRuleCreate) =>
    fetchApi<EscalationRuleResponse>(
      'POST',
      `/tickets/escalation-rules?spaceId=${encodeURIComponent(spaceId)}`,
      body,
    ),
  updateRule: (spaceId: string, id: string, body: EscalationRuleUpdate) =>
    fetchApi<EscalationRuleResponse>('PUT', rule(id, spaceId), body),
  deleteRule: (spaceId: string, id: string) =>
    fetchApi<DeletedResponse>('DELETE', rule(id, spaceId)),

  rotations: (spaceId: string) =>
    fetchApi<RotationListResponse>('GET', `${space(spaceId)}/rotations`),
  createRotation: (spaceId: string, body: RotationCreate) =>
    fetchApi<RotationResponse>('POST', `${space(spaceId)}/rotations`, body),
  updateRotation: (spaceId: string, id: string, body: RotationUpdate) =>
    fetchApi<RotationResponse>(
      'PUT',
      `${space(spaceId)}/rotations/${encodeURIComponent(id)}`,
      body,
    ),
  deleteRotation: (spaceId: string, id: string) =>
    fetchApi<DeletedResponse>('DELETE', `${space(spaceId)}/rotations/${encodeURIComponent(id)}`),

  slaPolicies: (spaceId: string) =>
    fetchApi<SlaPoliciesResponse>('GET', `${space(spaceId)}/sla-policies`),
  saveSlaPolicies: (spaceId: string, body: SlaPoliciesUpdate) =>
    fetchApi<SlaPoliciesResponse>('PUT', `${space(spaceId)}/sla-policies`, body),

  inboxPhone: (spaceId: string, inboxId: string) =>
    fetchApi<InboxPhoneEscalationResponse>(
      'GET',
      `${space(spaceId)}/inboxes/${encodeURIComponent(inboxId)}/escalation-phone`,
    ),
  saveInboxPhone: (spaceId: string, inboxId: string, body: InboxPhoneEscalation) =>
    fetchApi<InboxPhoneEscalationResponse>(
      'PUT',
      `${space(spaceId)}/inboxes/${encodeURIComponent(inboxId)}/escalation-phone`,
      body,
    ),

  inboxTriggers: (spaceId: string, inboxId: string) =>
    fetchApi<InboxTriggersResponse>(
      'GET',
      `${space(spaceId)}/inboxes/${encodeURIComponent(inboxId)}/triggers`,
    ),
  saveInboxTriggers: (spaceId: string, inboxId: string, body: InboxTriggers) =>
    fetchApi<InboxTriggersResponse>(
      'PUT',
      `${space(spaceId)}/inboxes/${encodeURIComponent(inboxId)}/triggers`,
      body,
    ),
}
