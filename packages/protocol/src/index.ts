// The front door of @flare/protocol: every name other workspaces may use is exported here.
export {
  ApiErrorBody,
  ApiTokenDto,
  CreateTokenRequest,
  CreateTokenResponse,
  GroupDto,
  HealthResponse,
  LoginRequest,
  LoginResponse,
  MemberRole,
  MeResponse,
  PROTOCOL_VERSION,
  RoomDto,
  SpaceDto,
  SpaceMemberDto,
  SpaceParams,
  SpaceResponse,
  TokenListResponse,
  TokenParams,
  UserDto,
  UserPreferences,
  Uuid,
} from './api.js'
export { PresenceStatus, SOCKET_PATH, SocketAuth } from './events.js'
export type {
  Ack,
  ClientToServerEvents,
  ConnectErrorData,
  EscalationDto,
  EscalationResponseDto,
  MemberPresence,
  PresenceUpdate,
  ServerToClientEvents,
  SpaceSnapshot,
} from './events.js'
export { ErrorCode } from './result.js'
export type { ApiError, ErrorBody, Result } from './result.js'
export { parse } from './validate.js'
export type { Parsed } from './validate.js'
