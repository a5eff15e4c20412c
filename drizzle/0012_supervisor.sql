CREATE TABLE "wallboards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"space_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"inbox_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "escalation_count" integer GENERATED ALWAYS AS (jsonb_array_length(escalation_history)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "wallboards" ADD CONSTRAINT "wallboards_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallboards" ADD CONSTRAINT "wallboards_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallboards" ADD CONSTRAINT "wallboards_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "wallboards_token_hash_key" ON "wallboards" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "wallboards_space_idx" ON "wallboards" USING btree ("space_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_space_entity_at_idx" ON "audit_log" USING btree ("space_id","entity","at");--> statement-breakpoint
CREATE INDEX "escalation_firings_space_at_idx" ON "escalation_firings" USING btree ("space_id","escalated_at","id");--> statement-breakpoint
CREATE INDEX "escalation_firings_ticket_at_idx" ON "escalation_firings" USING btree ("ticket_id","escalated_at","id");--> statement-breakpoint
CREATE INDEX "tickets_metrics_idx" ON "tickets" USING btree ("space_id","created_at","escalation_count","first_response_time","inbox_id","priority","status","resolved_at");--> statement-breakpoint
CREATE INDEX "tickets_escalated_metrics_idx" ON "tickets" USING btree ("space_id","created_at","first_escalated_at","resolved_at","inbox_id","priority") WHERE "tickets"."first_escalated_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_unanswered_metrics_idx" ON "tickets" USING btree ("space_id","created_at","inbox_id","priority","status","resolved_at") WHERE "tickets"."first_response_time" is null;--> statement-breakpoint
UPDATE "tickets" SET "first_escalated_at" = ("escalation_history"->0->>'escalatedAt')::timestamptz WHERE jsonb_array_length("escalation_history") > 0;
