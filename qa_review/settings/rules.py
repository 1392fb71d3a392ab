"""The product's rules a deployment may tune, each from the environment (read by base.py's .env first).

Whether critical errors of targeted reviews, or of reviewers flagged in calibration, count toward a
threshold rule is a term of each rule version, consented by the works council: never a setting.
"""

import environ

env = environ.Env()

# Retention in days per data class; a daily Celery beat job applies it (see README). Critical
# errors go with their evaluations (one period for both).
RETENTION_DAYS = {
    "recordings": env.int("RETENTION_RECORDINGS_DAYS", default=180),
    "transcripts": env.int("RETENTION_TRANSCRIPTS_DAYS", default=180),
    "evaluations": env.int("RETENTION_EVALUATIONS_DAYS", default=730),
    "audit_payloads": env.int("RETENTION_AUDIT_PAYLOADS_DAYS", default=7 * 365),
    # A call's metadata (who, when, how long) once no evaluation of it is kept any more.
    "calls": env.int("RETENTION_CALLS_DAYS", default=730),
    "notifications": env.int("RETENTION_NOTIFICATIONS_DAYS", default=365),
    # Closed calibration sessions, as a whole (participants, blind scorings, results), after closing.
    "calibration_sessions": env.int("RETENTION_CALIBRATION_SESSIONS_DAYS", default=730),
}
RETENTION_SCHEDULE_ENABLED = env.bool("RETENTION_SCHEDULE_ENABLED", default=True)
# Appeals: calendar days after an evaluation was shown in which the agent may appeal,
# and working days (Monday-Friday) the assignee has to decide.
APPEAL_WINDOW_DAYS = env.int("APPEAL_WINDOW_DAYS", default=14)
# Days a second reviewer has to say whether a critical error is there (rules that require confirmation).
CONFIRMATION_DAYS = env.int("CONFIRMATION_DAYS", default=5)
# Days an agent invited to score their own call has before the reviewer's scoring is shown anyway.
SELF_EVALUATION_DAYS = env.int("SELF_EVALUATION_DAYS", default=3)
APPEAL_DEADLINE_WORKING_DAYS = env.int("APPEAL_DEADLINE_WORKING_DAYS", default=10)
# Calibration: a reviewer whose latest deviation from the reference (or median) exceeds this many
# points is flagged (a rule version may exclude flagged reviewers' errors until they recalibrate).
CALIBRATION_DEVIATION_THRESHOLD = env.float("CALIBRATION_DEVIATION_THRESHOLD", default=10.0)
# A reviewer's critical-error rate is compared with their peers' only from this many evaluations on
# (theirs, and their peers' each); below it the page says "too few to judge" and flags nothing.
CONSISTENCY_MIN_EVALUATIONS = env.int("CONSISTENCY_MIN_EVALUATIONS", default=10)
# Works council: a decider who confirms at least this share of at least this many decisions, or
# decides within this many seconds (median) of opening the evidence, is flagged as a rubber stamp.
RUBBER_STAMP_CONFIRM_RATE = env.float("RUBBER_STAMP_CONFIRM_RATE", default=0.9)
# Fewer decisions than this (and than SMALL_CELL_K) say nothing about a person: "too few to judge".
RUBBER_STAMP_MIN_DECISIONS = env.int("RUBBER_STAMP_MIN_DECISIONS", default=10)
RUBBER_STAMP_MIN_SECONDS = env.float("RUBBER_STAMP_MIN_SECONDS", default=60.0)
# A group whose confirmed-warning rate exceeds this multiple of the rest's is flagged.
GROUP_DISPARITY_RATIO = env.float("GROUP_DISPARITY_RATIO", default=1.25)
# Any group cell counting fewer people than this is suppressed in aggregate views.
SMALL_CELL_K = env.int("SMALL_CELL_K", default=10)
