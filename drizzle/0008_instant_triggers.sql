ALTER TYPE "public"."message_author_kind" ADD VALUE 'bot';--> statement-breakpoint
ALTER TABLE "inboxes" ADD COLUMN "triggers" jsonb;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD COLUMN "sentiment" integer;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD COLUMN "bot_outcome" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "pending_triggers" jsonb DEFAULT '[]'::jsonb NOT NULL;