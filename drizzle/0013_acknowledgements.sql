ALTER TABLE "escalation_firings" ADD COLUMN "chain" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "acknowledgements" jsonb DEFAULT '[]'::jsonb NOT NULL;