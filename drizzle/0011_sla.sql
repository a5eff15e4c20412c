CREATE TABLE "sla_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"space_id" uuid NOT NULL,
	"inbox_id" uuid,
	"priority" "ticket_priority" NOT NULL,
	"first_response_minutes" integer,
	"resolution_minutes" integer,
	"business_hours" boolean DEFAULT true NOT NULL,
	"at_risk_percent" integer DEFAULT 80 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "sla_warnings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"space_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"status" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"warned_at" timestamp with time zone NOT NULL,
	"target_user_ids" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "number" integer;--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD COLUMN "sla_warning_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_status" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_time" double precision;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_warnings" ADD CONSTRAINT "sla_warnings_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_warnings" ADD CONSTRAINT "sla_warnings_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sla_policies_space_priority_key" ON "sla_policies" USING btree ("space_id","priority") WHERE "sla_policies"."inbox_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "sla_policies_inbox_priority_key" ON "sla_policies" USING btree ("inbox_id","priority") WHERE "sla_policies"."inbox_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "sla_warnings_once_key" ON "sla_warnings" USING btree ("ticket_id","metric","status");--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD CONSTRAINT "notification_outbox_sla_warning_id_sla_warnings_id_fk" FOREIGN KEY ("sla_warning_id") REFERENCES "public"."sla_warnings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "groups_space_number_key" ON "groups" USING btree ("space_id","number");--> statement-breakpoint
CREATE INDEX "tickets_space_sla_idx" ON "tickets" USING btree ("space_id","sla_status") WHERE "tickets"."sla_status" is not null and "tickets"."status" in ('open', 'on_hold');--> statement-breakpoint
-- teams of existing spaces get numbers in the order they were made
UPDATE "groups" SET "number" = n."rn" FROM (
	SELECT "id", row_number() OVER (PARTITION BY "space_id" ORDER BY "created_at", "id") AS "rn" FROM "groups"
) AS n WHERE "groups"."id" = n."id";--> statement-breakpoint
-- existing tickets: the first staff reply, and when the resolved or closed ones were last changed
UPDATE "tickets" SET "first_response_at" = m."first" FROM (
	SELECT "ticket_id", min("created_at") AS "first" FROM "ticket_messages"
	WHERE "author_kind" = 'staff' AND "internal" = false GROUP BY "ticket_id"
) AS m WHERE "tickets"."id" = m."ticket_id";--> statement-breakpoint
UPDATE "tickets" SET "resolved_at" = "updated_at" WHERE "status" IN ('resolved', 'closed');--> statement-breakpoint
-- without a policy, firstResponseTime is wall-clock minutes
UPDATE "tickets" SET "first_response_time" = greatest(0, extract(epoch FROM "first_response_at" - "created_at") / 60)
WHERE "first_response_at" IS NOT NULL;
