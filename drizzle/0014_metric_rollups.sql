CREATE TABLE "ticket_metric_counts" (
	"space_id" uuid NOT NULL,
	"slot" timestamp with time zone NOT NULL,
	"inbox_id" uuid NOT NULL,
	"priority" "ticket_priority" NOT NULL,
	"tickets" integer NOT NULL,
	"escalated" integer NOT NULL,
	"repeated" integer NOT NULL,
	"sla_met" integer NOT NULL,
	"sla_missed" integer NOT NULL,
	CONSTRAINT "ticket_metric_counts_space_id_slot_inbox_id_priority_pk" PRIMARY KEY("space_id","slot","inbox_id","priority")
);
--> statement-breakpoint
CREATE TABLE "ticket_metric_deltas" (
	"space_id" uuid NOT NULL,
	"slot" timestamp with time zone NOT NULL,
	"inbox_id" uuid NOT NULL,
	"priority" "ticket_priority" NOT NULL,
	"tickets" integer NOT NULL,
	"escalated" integer NOT NULL,
	"repeated" integer NOT NULL,
	"sla_met" integer NOT NULL,
	"sla_missed" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_metric_counts" ADD CONSTRAINT "ticket_metric_counts_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_metric_deltas" ADD CONSTRAINT "ticket_metric_deltas_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_metric_deltas_space_slot_idx" ON "ticket_metric_deltas" USING btree ("space_id","slot");--> statement-breakpoint
-- The first-response target (minutes) a ticket of this inbox and priority is held to now: the
-- inbox's own policy for the priority, else the space's (as `findSlaPolicy` picks).
CREATE FUNCTION "flare_first_response_target"(space uuid, inbox uuid, prio "ticket_priority")
RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT p.first_response_minutes FROM sla_policies p
  WHERE p.space_id = space AND p.priority = prio AND (p.inbox_id = inbox OR p.inbox_id IS NULL)
  ORDER BY p.inbox_id IS NULL
  LIMIT 1
$$;
--> statement-breakpoint
-- Adds signed ticket rows (one element of each array per row) to the metric deltas. Under the
-- space's metrics lock, shared: a policy change takes it exclusively to recount the space, so
-- a change is either in that recount or counted after it under the new policy, never both.
CREATE FUNCTION "flare_add_ticket_metrics"(
  signs integer[], space_ids uuid[], created timestamptz[], inbox_ids uuid[],
  priorities "ticket_priority"[], escalations integer[], first_responses double precision[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  s uuid;
BEGIN
  FOR s IN SELECT DISTINCT u FROM unnest(space_ids) AS u ORDER BY u LOOP
    PERFORM pg_advisory_xact_lock_shared(hashtext('flare:metrics:' || s::text));
  END LOOP;
  WITH r AS (
    SELECT * FROM unnest(signs, space_ids, created, inbox_ids, priorities, escalations, first_responses)
      AS r(sign, space_id, created_at, inbox_id, priority, escalation_count, first_response_time)
    -- a space being deleted takes its counts with it
    WHERE EXISTS (SELECT 1 FROM spaces WHERE spaces.id = r.space_id)
  ), k AS (
    SELECT DISTINCT space_id, inbox_id, priority FROM r
  ), targets AS (
    SELECT k.*, flare_first_response_target(k.space_id, k.inbox_id, k.priority)::float8 AS minutes
    FROM k
  )
  INSERT INTO ticket_metric_deltas
    (space_id, slot, inbox_id, priority, tickets, escalated, repeated, sla_met, sla_missed)
  SELECT r.space_id, date_bin('15 minutes', r.created_at, timestamptz '2000-01-01 00:00:00+00'),
    r.inbox_id, r.priority,
    sum(r.sign),
    coalesce(sum(r.sign) FILTER (WHERE r.escalation_count > 0), 0),
    coalesce(sum(r.sign) FILTER (WHERE r.escalation_count > 1), 0),
    coalesce(sum(r.sign) FILTER (WHERE r.first_response_time < t.minutes), 0),
    coalesce(sum(r.sign) FILTER (WHERE r.first_response_time >= t.minutes), 0)
  FROM r JOIN targets t USING (space_id, inbox_id, priority)
  GROUP BY 1, 2, 3, 4
  HAVING sum(r.sign) <> 0
    OR sum(r.sign) FILTER (WHERE r.escalation_count > 0) <> 0
    OR sum(r.sign) FILTER (WHERE r.escalation_count > 1) <> 0
    OR sum(r.sign) FILTER (WHERE r.first_response_time < t.minutes) <> 0
    OR sum(r.sign) FILTER (WHERE r.first_response_time >= t.minutes) <> 0;
END
$$;
--> statement-breakpoint
-- Folds the deltas into the counts, each delta deleted by the statement that adds it. One at a
-- time (a second one returns at once): two would upsert the same counts in different orders.
CREATE FUNCTION "flare_compact_ticket_metrics"() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('flare:metrics:compact')) THEN
    RETURN 0;
  END IF;
  WITH gone AS (
    DELETE FROM ticket_metric_deltas RETURNING *
  ), sums AS (
    SELECT space_id, slot, inbox_id, priority, sum(tickets)::int AS tickets,
      sum(escalated)::int AS escalated, sum(repeated)::int AS repeated,
      sum(sla_met)::int AS sla_met, sum(sla_missed)::int AS sla_missed, count(*) AS n
    FROM gone GROUP BY 1, 2, 3, 4
  ), upserted AS (
    INSERT INTO ticket_metric_counts AS c
      (space_id, slot, inbox_id, priority, tickets, escalated, repeated, sla_met, sla_missed)
    SELECT space_id, slot, inbox_id, priority, tickets, escalated, repeated, sla_met, sla_missed
    FROM sums
    ON CONFLICT (space_id, slot, inbox_id, priority) DO UPDATE SET
      tickets = c.tickets + excluded.tickets, escalated = c.escalated + excluded.escalated,
      repeated = c.repeated + excluded.repeated, sla_met = c.sla_met + excluded.sla_met,
      sla_missed = c.sla_missed + excluded.sla_missed
    RETURNING 1
  )
  SELECT coalesce(sum(n), 0)::int INTO folded FROM sums;
  RETURN folded;
END
$$;
--> statement-breakpoint
-- Counts a space again from its tickets: its SLA policies changed, so every answer's verdict
-- may have. Waits for the compaction and for every transaction writing the space's tickets.
CREATE FUNCTION "flare_recount_ticket_metrics"(space uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('flare:metrics:compact'));
  PERFORM pg_advisory_xact_lock(hashtext('flare:metrics:' || space::text));
  DELETE FROM ticket_metric_deltas WHERE space_id = space;
  DELETE FROM ticket_metric_counts WHERE space_id = space;
  PERFORM flare_add_ticket_metrics(array_agg(1), array_agg(t.space_id), array_agg(t.created_at),
    array_agg(t.inbox_id), array_agg(t.priority), array_agg(t.escalation_count),
    array_agg(t.first_response_time))
  FROM tickets t WHERE t.space_id = space;
  INSERT INTO ticket_metric_counts
    (space_id, slot, inbox_id, priority, tickets, escalated, repeated, sla_met, sla_missed)
  SELECT space_id, slot, inbox_id, priority, sum(tickets), sum(escalated), sum(repeated),
    sum(sla_met), sum(sla_missed)
  FROM ticket_metric_deltas WHERE space_id = space GROUP BY 1, 2, 3, 4;
  DELETE FROM ticket_metric_deltas WHERE space_id = space;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "flare_tickets_metrics_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flare_add_ticket_metrics(array_agg(1), array_agg(n.space_id), array_agg(n.created_at),
    array_agg(n.inbox_id), array_agg(n.priority), array_agg(n.escalation_count),
    array_agg(n.first_response_time))
  FROM new_rows n;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "flare_tickets_metrics_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flare_add_ticket_metrics(array_agg(-1), array_agg(o.space_id), array_agg(o.created_at),
    array_agg(o.inbox_id), array_agg(o.priority), array_agg(o.escalation_count),
    array_agg(o.first_response_time))
  FROM old_rows o;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "flare_tickets_metrics_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flare_add_ticket_metrics(array[-1, 1], array[OLD.space_id, NEW.space_id],
    array[OLD.created_at, NEW.created_at], array[OLD.inbox_id, NEW.inbox_id],
    array[OLD.priority, NEW.priority], array[OLD.escalation_count, NEW.escalation_count],
    array[OLD.first_response_time, NEW.first_response_time]);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "flare_sla_policies_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s uuid;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR s IN SELECT DISTINCT space_id FROM new_rows ORDER BY 1 LOOP
      PERFORM flare_recount_ticket_metrics(s);
    END LOOP;
  ELSIF TG_OP = 'DELETE' THEN
    FOR s IN SELECT DISTINCT space_id FROM old_rows ORDER BY 1 LOOP
      PERFORM flare_recount_ticket_metrics(s);
    END LOOP;
  ELSE
    FOR s IN SELECT space_id FROM new_rows UNION SELECT space_id FROM old_rows ORDER BY 1 LOOP
      PERFORM flare_recount_ticket_metrics(s);
    END LOOP;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "tickets_metrics_inserted" AFTER INSERT ON "tickets"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION flare_tickets_metrics_inserted();
--> statement-breakpoint
CREATE TRIGGER "tickets_metrics_deleted" AFTER DELETE ON "tickets"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION flare_tickets_metrics_deleted();
--> statement-breakpoint
-- row by row, and only when something counted changed: most updates of a ticket touch none
CREATE TRIGGER "tickets_metrics_updated" AFTER UPDATE ON "tickets" FOR EACH ROW
  WHEN ((OLD.space_id, OLD.created_at, OLD.inbox_id, OLD.priority, OLD.escalation_count,
      OLD.first_response_time)
    IS DISTINCT FROM (NEW.space_id, NEW.created_at, NEW.inbox_id, NEW.priority,
      NEW.escalation_count, NEW.first_response_time))
  EXECUTE FUNCTION flare_tickets_metrics_updated();
--> statement-breakpoint
CREATE TRIGGER "sla_policies_metrics_inserted" AFTER INSERT ON "sla_policies"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION flare_sla_policies_changed();
--> statement-breakpoint
CREATE TRIGGER "sla_policies_metrics_updated" AFTER UPDATE ON "sla_policies"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION flare_sla_policies_changed();
--> statement-breakpoint
CREATE TRIGGER "sla_policies_metrics_deleted" AFTER DELETE ON "sla_policies"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION flare_sla_policies_changed();
--> statement-breakpoint
-- the counts of the tickets there are already
SELECT flare_recount_ticket_metrics(id) FROM spaces;
