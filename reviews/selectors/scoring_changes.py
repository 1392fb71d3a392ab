"""What an incremental scoring run needs to know: what it may rely on, and whom something happened to.

A rule fires when an agent's counted errors in the window reach N. Between two runs with the same
rules, terms, excluded reviewers and counted types, time only moves errors out of a window; what
can make an agent cross is something recorded about them (an error logged, an evaluation submitted,
an alert decided or retracted, an appeal decided, a change to their team or contract), and every
such change is an audit event with the agent as its subject, written in the same transaction. So
the agents to score are the subjects of audit events after the previous run's head, plus any agent
with an error observed between the two runs' moments. Of them, an agent whose events could not have
added a counted error (``CANNOT_ADD_COUNTED_ERRORS``) gets only their monthly scores written again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from reviews.models import AuditAction, AuditEvent, CriticalError, CriticalErrorType, RuleVersion, RunStatus, ScoringRun
from reviews.selectors.thresholds import counting_from


def audit_head() -> int:
    """The sequence of the newest audit event (0 for an empty log)."""
    return AuditEvent.objects.aggregate(head=Max("sequence"))["head"] or 0


def scoring_fingerprint(
    *, as_of: dt.datetime, versions: Sequence[RuleVersion], excluded_reviewer_ids: Collection[int]
) -> str:
    """Everything besides the agents' own data that decides what a run finds, as one hash."""
    month = timezone.localtime(as_of).date().replace(day=1).isoformat()
    rules = sorted(
        [
            v.pk,
            v.rule_id,
            v.count_n,
            v.window_days,
            v.level,
            counting_from(v).isoformat(),
            sorted(t.code for t in v.counted_types.all()),
            sorted(t.pk for t in v.scope_teams.all()),
            sorted(v.scope_employment_types or []),
            v.count_targeted_reviews,
            v.exclude_flagged_reviewers,
            v.exclude_systemic_causes,
            v.requires_confirmation,
        ]
        for v in versions
    )
    types = sorted(CriticalErrorType.objects.values_list("code", "counts_toward_thresholds"))
    basis = {"month": month, "rules": rules, "excluded": sorted(excluded_reviewer_ids), "types": types}
    return hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()


def incremental_basis(*, fingerprint: str, as_of: dt.datetime) -> ScoringRun | None:
    """The latest succeeded run with the same fingerprint at or before ``as_of``, if any."""
    return (
        ScoringRun.objects.filter(
            status=RunStatus.SUCCEEDED, fingerprint=fingerprint, audit_sequence__isnull=False, as_of__lte=as_of
        )
        .order_by("-audit_sequence")
        .first()
    )


# Recorded about an agent, these cannot make a counted error count where it did not: reads, an
# acknowledgement (a counting status to another) and the batch's own alerts. An evaluation submitted
# without critical errors joins them (below). Every other action, and any action not listed, has the
# next run evaluate the agent's rules again; so do decisions: a run that found an alert decided
# before it could add new evidence leaves those errors to the next run.
CANNOT_ADD_COUNTED_ERRORS = frozenset(
    {
        AuditAction.ALERT_EVIDENCE_ADDED,
        AuditAction.ALERT_EVIDENCE_VIEWED,
        AuditAction.ALERT_OPENED,
        AuditAction.CALL_RECORDING_PLAYED,
        AuditAction.DIGEST_SENT,
        AuditAction.EVALUATION_ACKNOWLEDGED,
        AuditAction.NOTIFICATION_READ,
        AuditAction.USER_DATA_EXPORTED,
    }
)


@dataclass(frozen=True)
class Changed:
    """Whom an incremental run scores: monthly scores for ``scores``, rules for ``rules`` (a subset)."""

    scores: frozenset[int]
    rules: frozenset[int]


def agents_changed_since(*, basis: ScoringRun, as_of: dt.datetime) -> Changed:
    """The people something was recorded about after ``basis`` was planned, and every agent with an
    error observed between ``basis``'s moment and ``as_of``; of them, those whose counted errors may
    have grown (the rest only get their monthly scores written again)."""
    assert basis.audit_sequence is not None
    events = AuditEvent.objects.filter(sequence__gt=basis.audit_sequence, subject_id__isnull=False).order_by()
    subjects = set(events.values_list("subject_id", flat=True).distinct())
    may_grow = set(
        events.exclude(action__in=[*CANNOT_ADD_COUNTED_ERRORS, AuditAction.EVALUATION_SUBMITTED])
        .values_list("subject_id", flat=True)
        .distinct()
    )
    # A submission records its critical errors; one without the list (older events) counts as with.
    for subject_id, errors in events.filter(action=AuditAction.EVALUATION_SUBMITTED).values_list(
        "subject_id", "data__critical_errors"
    ):
        if errors != []:
            may_grow.add(subject_id)
    observed = set(
        CriticalError.objects.filter(observed_at__gt=basis.as_of, observed_at__lte=as_of)
        .order_by()
        .values_list("agent_id", flat=True)
        .distinct()
    )
    return Changed(scores=frozenset(subjects | observed), rules=frozenset(may_grow | observed))
