// The browser's front door to @flare/protocol: every type, and only the values that need no
// TypeBox (constants, text rules, chat thread keys, the floor plan), so the web bundle stays free of
// the schema builder and the compiler. The server and the settings pages use `index.ts`; a
// name that is a schema there is only its type here.
export type {
  ApiTokenDto,
  CreateTokenRequest,
  CreateTokenResponse,
  GroupDto,
  LoginRequest,
  MemberRole,
  MeResponse,
  PreferencesUpdate,
  RoomDto,
  SpaceDto,
  SpaceMemberDto,
  SpaceResponse,
  StreamQuery,
  UserDto,
} from './api.js'
export type {
  BusinessHoursResponse,
  BusinessHoursUpdate,
  InboxPhoneEscalation,
  RotationCreate,
  RotationDto,
  RotationUpdate,
  TicketAcknowledge,
  TicketAcknowledgedEvent,
  TicketEscalatedEvent,
} from './automation.js'
export type {
  AlwaysCalendar,
  BusinessCalendar,
  PerDayCalendar,
  SameHoursCalendar,
  TimeInterval,
  Weekday,
} from './calendar.js'
export type {
  ChatClientToServerEvents,
  ChatHistoryQuery,
  ChatHistoryResponse,
  ChatMentions,
  ChatMessageDto,
  ChatRead,
  ChatRecipient,
  ChatSend,
  ChatServerToClientEvents,
  ChatThreadDto,
  ChatThreadParams,
  ChatThreadsResponse,
} from './chat.js'
export {
  CHAT_BODY_MAX,
  CHAT_MENTIONS_MAX,
  CHAT_PAGE_DEFAULT,
  CHAT_PAGE_MAX,
  chatBodyProblem,
  chatCursor,
  directThreadKey,
  parseThreadKey,
  SPACE_THREAD,
} from './chat-text.js'
export type {
  ConditionField,
  ConditionOperator,
  ConditionValue,
  EscalationRule,
  EscalationRuleCreate,
  EscalationRuleFields,
  EscalationRuleUpdate,
  EscalationTarget,
  NotificationChannel,
  RuleAction,
  RuleClock,
  RuleCondition,
  RulePriority,
  TicketPriority,
  TicketStatus,
} from './escalation-rule.js'
export {
  countGraphemes,
  EndReason,
  ESCALATION_MESSAGE_MAX,
  normalizeEscalationMessage,
} from './escalation-text.js'
export type {
  EscalationAction,
  EscalationColor,
  EscalationEnd,
  EscalationRaise,
  EscalationRecipients,
  EscalationRespond,
} from './escalations.js'
export type {
  Ack,
  ClientToServerEvents,
  ConnectErrorData,
  EscalationDto,
  EscalationEnded,
  EscalationNotification,
  EscalationResponseDto,
  EscalationResponseEvent,
  MemberPresence,
  PresenceMove,
  PresenceStatus,
  PresenceStatusChange,
  PresenceUpdate,
  ServerToClientEvents,
  SocketAuth,
  SpaceSnapshot,
  StreamEvent,
} from './events.js'
export type {
  FloorDesk,
  FloorInput,
  FloorPlan,
  FloorRect,
  FloorZone,
  FloorZoneKind,
} from './floor.js'
export { FLOOR_ZONE, floorPlan } from './floor.js'
export type {
  ApiError,
  ErrorBody,
  Result,
} from './result.js'
export { ErrorCode } from './result.js'
export type {
  EscalationHistoryEntryDto,
  InboundMessage,
  InboundParams,
  InboundResponse,
  InboxCreate,
  InboxDto,
  InboxListResponse,
  InboxParams,
  InboxResponse,
  InboxUpdate,
  MessageAuthorKind,
  SmsWebhookForm,
  TicketClientToServerEvents,
  TicketCreate,
  TicketCustomer,
  TicketDto,
  TicketListQuery,
  TicketListResponse,
  TicketMessageCreate,
  TicketMessageDto,
  TicketMessageEvent,
  TicketMessageResponse,
  TicketParams,
  TicketResponse,
  TicketServerToClientEvents,
  TicketUpdate,
} from './tickets.js'
export type { Parsed } from './validate.js'
