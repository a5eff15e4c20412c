DROP INDEX "tickets_escalated_metrics_idx";--> statement-breakpoint
-- both stored columns in one ALTER TABLE: one rewrite of the table, not two
ALTER TABLE "tickets" ADD COLUMN "time_to_escalate_ms" double precision GENERATED ALWAYS AS (date_part('epoch', first_escalated_at - created_at) * 1000) STORED, ADD COLUMN "resolution_after_escalation_ms" double precision GENERATED ALWAYS AS (case when resolved_at >= first_escalated_at then date_part('epoch', resolved_at - first_escalated_at) * 1000 end) STORED;--> statement-breakpoint
CREATE INDEX "tickets_escalated_durations_idx" ON "tickets" USING btree ("space_id","created_at","time_to_escalate_ms","resolution_after_escalation_ms","resolved_at","inbox_id","priority") WHERE "tickets"."first_escalated_at" is not null;
