ALTER TABLE "notification_outbox" ADD COLUMN "last_error_permanent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Rows that failed before the worker kept this: the worker gives a row up for a transient error
-- only after 50 attempts or when its next try would come more than 6 h after it was queued (a
-- wait is at most 10 min, a Retry-After's); any other failure of a sent channel was one that
-- retrying cannot help. In-app rows fail only as not received, which a later receipt still mends.
UPDATE "notification_outbox" SET "last_error_permanent" = true
WHERE "state" = 'failed' AND "channel" <> 'in_app' AND "attempts" < 50
  AND "last_attempt_at" < "queued_at" + interval '5 hours 50 minutes';
