// The SLA status values, apart from sla.ts so the rule schema can name them without a cycle.

/**
 * A ticket's SLA status (SPEC §8.1): `on_track` until the at-risk point of a pending target,
 * `at_risk` until the target itself, `breached` after it (and for good once a target was
 * missed); null when no policy applies.
 */
export const SLA_STATUSES = ['on_track', 'at_risk', 'breached'] as const
export type SlaStatus = (typeof SLA_STATUSES)[number]

/** The two targets of a policy. */
export const SLA_METRICS = ['first_response', 'resolution'] as const
export type SlaMetric = (typeof SLA_METRICS)[number]

/** The at-risk point when a policy names none: 80 % of the target. */
export const DEFAULT_AT_RISK_PERCENT = 80
