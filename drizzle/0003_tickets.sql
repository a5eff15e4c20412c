CREATE TYPE "public"."message_author_kind" AS ENUM('customer', 'staff', 'system');--> statement-breakpoint
CREATE TYPE "public"."ticket_priority" AS ENUM('urgent', 'high', 'medium', 'low');--> statement-breakpoint
CREATE TYPE "public"."ticket_status" AS ENUM('open', 'on_hold', 'resolved', 'closed');--> statement-breakpoint
CREATE TABLE "ticket_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"inbox_id" uuid NOT NULL,
	"author_kind" "message_author_kind" NOT NULL,
	"author_user_id" uuid,
	"body" text NOT NULL,
	"internal" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"provider_message_id" text,
	"seq" bigserial NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"space_id" uuid NOT NULL,
	"inbox_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"customer_name" text,
	"customer_email" text,
	"customer_phone" text,
	"status" "ticket_status" DEFAULT 'open' NOT NULL,
	"hold_until" timestamp with time zone,
	"priority" "ticket_priority" DEFAULT 'medium' NOT NULL,
	"category" text,
	"assigned_to_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"open_since" timestamp with time zone DEFAULT now() NOT NULL,
	"waiting_since" timestamp with time zone,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"last_escalated_at" timestamp with time zone,
	"escalation_history" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"next_due_at" timestamp with time zone,
	"last_message_at" timestamp with time zone,
	"preview" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inboxes" ADD COLUMN "webhook_secret" text DEFAULT (replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')) NOT NULL;--> statement-breakpoint
ALTER TABLE "inboxes" ADD COLUMN "calendar" jsonb;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD CONSTRAINT "ticket_messages_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD CONSTRAINT "ticket_messages_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD CONSTRAINT "ticket_messages_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_assigned_to_user_id_users_id_fk" FOREIGN KEY ("assigned_to_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_messages_ticket_idx" ON "ticket_messages" USING btree ("ticket_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_messages_provider_key" ON "ticket_messages" USING btree ("inbox_id","provider_message_id") WHERE "ticket_messages"."provider_message_id" is not null;--> statement-breakpoint
CREATE INDEX "tickets_space_created_idx" ON "tickets" USING btree ("space_id","created_at","id");--> statement-breakpoint
CREATE INDEX "tickets_inbox_status_idx" ON "tickets" USING btree ("inbox_id","status");--> statement-breakpoint
CREATE INDEX "tickets_next_due_idx" ON "tickets" USING btree ("next_due_at") WHERE "tickets"."next_due_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_hold_until_idx" ON "tickets" USING btree ("hold_until") WHERE "tickets"."status" = 'on_hold' and "tickets"."hold_until" is not null;--> statement-breakpoint
CREATE INDEX "tickets_inbox_phone_idx" ON "tickets" USING btree ("inbox_id","customer_phone");--> statement-breakpoint
CREATE INDEX "tickets_inbox_email_idx" ON "tickets" USING btree ("inbox_id","customer_email");