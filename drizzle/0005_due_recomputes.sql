CREATE TABLE "due_recomputes" (
	"space_id" uuid PRIMARY KEY NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"pass_generation" integer DEFAULT 0 NOT NULL,
	"finished_generation" integer DEFAULT 0 NOT NULL,
	"cursor" uuid,
	"done" integer DEFAULT 0 NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "due_recomputes" ADD CONSTRAINT "due_recomputes_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tickets_space_open_idx" ON "tickets" USING btree ("space_id","id") WHERE "tickets"."status" = 'open';