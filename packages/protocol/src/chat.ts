// Chat events and payloads (SPEC §2, §9: `chat:send`, `chat:message`). Owned by the chat feature.
import type { Ack } from './result-ack.js'

export type ChatServerToClientEvents = Record<never, never>

export type ChatClientToServerEvents = Record<never, never>

export type { Ack }
