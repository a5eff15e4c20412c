// Instant triggers and the bot handoff (SPEC §11.1): each inbox's trigger settings and the
// conversation a bot hands over. Owned by the triggers feature.
import { type Static, Type } from '@sinclair/typebox'
import { DateTime, Uuid } from './api.js'
import { literals } from './literals.js'
import { Text } from './text.js'
import { TicketCustomerInput } from './tickets.js'
import {
  BOT_OUTCOMES,
  DEFAULT_CONSECUTIVE_FALLBACKS,
  DEFAULT_SENTIMENT_THRESHOLD,
  DEFAULT_TRIGGER_PHRASES,
  TRIGGER_KINDS,
} from './trigger-kinds.js'

export const TriggerKindSchema = literals(TRIGGER_KINDS)
export const BotOutcomeSchema = literals(BOT_OUTCOMES)

/** At most this many phrases per inbox, each at most `TRIGGER_PHRASE_MAX` characters. */
export const TRIGGER_PHRASES_MAX = 200
export const TRIGGER_PHRASE_MAX = 100

/**
 * `GET/PUT /api/spaces/:spaceId/inboxes/:inboxId/triggers`: what makes a customer message in
 * the inbox escalate at once. `PUT` replaces the whole setting.
 */
export const InboxTriggers = Type.Object(
  {
    /** Phrases asking for a human or a manager (SPEC §11.1.1). */
    keyword: Type.Object(
      {
        enabled: Type.Boolean(),
        phrases: Type.Array(Text({ minLength: 1, maxLength: TRIGGER_PHRASE_MAX }), {
          maxItems: TRIGGER_PHRASES_MAX,
        }),
      },
      { additionalProperties: false },
    ),
    /** A customer message whose lexicon score is `threshold` or lower (SPEC §11.1.2). */
    sentiment: Type.Object(
      {
        enabled: Type.Boolean(),
        threshold: Type.Integer({
          minimum: -50,
          maximum: -1,
          description:
            'Fires at this score or lower; AFINN valences (-5 … +5) summed over the words.',
        }),
      },
      { additionalProperties: false },
    ),
    /** A bot that falls back this many times in a row, or hands off (SPEC §11.1.3). */
    botFailure: Type.Object(
      {
        enabled: Type.Boolean(),
        consecutiveFallbacks: Type.Integer({ minimum: 1, maximum: 20 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export type InboxTriggers = Static<typeof InboxTriggers>

/** What an inbox that never saved its triggers uses. */
export const DEFAULT_INBOX_TRIGGERS: InboxTriggers = {
  keyword: { enabled: true, phrases: [...DEFAULT_TRIGGER_PHRASES] },
  // off until a team has looked at the scores its customers' messages get (shown on each)
  sentiment: { enabled: false, threshold: DEFAULT_SENTIMENT_THRESHOLD },
  botFailure: { enabled: true, consecutiveFallbacks: DEFAULT_CONSECUTIVE_FALLBACKS },
}

export const InboxTriggersResponse = Type.Object({
  triggers: InboxTriggers,
  /** The inbox has saved its own; false = the defaults. */
  custom: Type.Boolean(),
})
export type InboxTriggersResponse = Static<typeof InboxTriggersResponse>

// ---------------------------------------------------------------------------------------------
// The bot handoff

/** One turn of a bot conversation. */
export const ConversationTurn = Type.Object(
  {
    from: Type.Union([Type.Literal('customer'), Type.Literal('bot')]),
    text: Text({ minLength: 1, maxLength: 4000, pattern: '\\S' }),
    /**
     * A bot turn: `resolved` (it answered) or `fallback` (it did not understand or could not
     * help). A customer turn may carry it too (whether the bot understood it); only bot turns
     * count towards the bot failure trigger.
     */
    outcome: Type.Optional(BotOutcomeSchema),
  },
  { additionalProperties: false },
)
export type ConversationTurn = Static<typeof ConversationTurn>

export const CONVERSATION_TURNS_MAX = 200

/**
 * `POST /api/inbound/inboxes/:inboxId/conversations`: a bot hands a conversation over. It
 * becomes a ticket with its transcript (or is added to the customer's open one); the bot
 * failure trigger fires on `consecutiveFallbacks` fallbacks in a row or `handoff: true`.
 */
export const InboundConversation = Type.Object(
  {
    /** Who the bot talked to: a name, an email or a phone (at least an email or a phone). */
    customer: TicketCustomerInput,
    /** Oldest first; at least one turn from the customer. */
    turns: Type.Array(ConversationTurn, { minItems: 1, maxItems: CONVERSATION_TURNS_MAX }),
    /** The bot gives up and asks for a person, whatever the turns say. */
    handoff: Type.Optional(Type.Boolean()),
    /** The subject of a new ticket; by default the customer's first words. */
    subject: Type.Optional(Text({ minLength: 1, maxLength: 300, pattern: '\\S' })),
    /**
     * The bot's id of the conversation. Posting it again adds only the turns not stored yet
     * (the first N turns are taken as already there), so a retry or a longer transcript never
     * duplicates the conversation.
     */
    conversationId: Type.Optional(Text({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type InboundConversation = Static<typeof InboundConversation>

export const InboundConversationResponse = Type.Object({
  ticketId: Uuid,
  /** A new ticket was opened for this conversation. */
  ticketCreated: Type.Boolean(),
  /** Turns stored by this delivery (0 when it repeated one already stored). */
  turnsStored: Type.Integer({ minimum: 0 }),
  /** The instant trigger this delivery set off, if any; it escalates at once. */
  trigger: Type.Union([TriggerKindSchema, Type.Null()]),
})
export type InboundConversationResponse = Static<typeof InboundConversationResponse>

/** A turn as the pop-up and the ticket view show it: the recent conversation. */
export const TranscriptTurnDto = Type.Object({
  from: Type.Union([Type.Literal('customer'), Type.Literal('bot')]),
  text: Type.String(),
  outcome: Type.Optional(BotOutcomeSchema),
  at: DateTime,
})
export type TranscriptTurnDto = Static<typeof TranscriptTurnDto>

/** What set off a trigger firing: its kind and the customer's words that matched. */
export const TriggerFactsDto = Type.Object({
  kind: TriggerKindSchema,
  words: Type.Array(Type.String()),
  /** The message's sentiment score, for `sentiment`. */
  score: Type.Optional(Type.Integer()),
})
export type TriggerFactsDto = Static<typeof TriggerFactsDto>
