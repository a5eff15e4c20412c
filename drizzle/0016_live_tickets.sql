DROP INDEX "tickets_space_open_idx";--> statement-breakpoint
CREATE INDEX "tickets_space_live_idx" ON "tickets" USING btree ("space_id","id") WHERE "tickets"."status" in ('open', 'on_hold');