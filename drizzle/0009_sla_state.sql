ALTER TABLE "tickets" ADD COLUMN "sla_status" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_time" double precision;--> statement-breakpoint
CREATE INDEX "tickets_space_sla_idx" ON "tickets" USING btree ("space_id","sla_status") WHERE "tickets"."sla_status" is not null and "tickets"."status" in ('open', 'on_hold');--> statement-breakpoint
-- without a policy, firstResponseTime is wall-clock minutes
UPDATE "tickets" SET "first_response_time" = greatest(0, extract(epoch FROM "first_response_at" - "created_at") / 60)
WHERE "first_response_at" IS NOT NULL;
