"""Builders for threshold-rule scenarios, through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from accounts.models import User
from reviews.models import (
    Alert,
    Appeal,
    Call,
    CriticalErrorType,
    Evaluation,
    RootCause,
    RuleVersion,
    ScorecardVersion,
    ScoringRun,
)
from reviews.services.appeal_decisions import ItemDecision, appeal_decide
from reviews.services.appeals import appeal_start_review, appeal_submit
from reviews.services.critical_errors import critical_error_log
from reviews.services.evaluations import (
    AnswerInput,
    evaluation_answers_save,
    evaluation_create,
    evaluation_submit,
)
from reviews.services.rules import (
    RuleTerms,
    rule_version_activate,
    rule_version_decide_consent,
    rule_version_propose,
    threshold_rule_create,
)
from reviews.services.scoring import scoring_chunk_process, scoring_run_create, scoring_run_plan
from tests.conftest import criteria_of
from tests.factories import CallFactory

_rule_counter = iter(range(1, 10_000))


def scored_call(
    *,
    reviewer: User,
    agent: User,
    version: ScorecardVersion,
    started_at: dt.datetime,
    errors: tuple[str, ...] = ("UNREPORTED_SIGNAL",),
    target_reason: str = "",
    cause: str = "KNOWLEDGE_GAP",
    call: Call | None = None,
    submit: bool = True,
) -> Evaluation:
    """A submitted evaluation of a new call at ``started_at`` (or of ``call``) with the given critical errors
    (with ``submit=False``, the draft)."""
    call = call or CallFactory.create(agent=agent, started_at=started_at, handle_time_seconds=400)
    evaluation = evaluation_create(
        call=call, scorecard_version=version, acting_user=reviewer, target_reason=target_reason
    )
    evaluation_answers_save(
        evaluation=evaluation,
        answers=[AnswerInput(criterion_id=c.pk, points=1) for c in criteria_of(version)],
        acting_user=reviewer,
    )
    for offset, code in enumerate(errors):
        critical_error_log(
            evaluation=evaluation,
            error_type=CriticalErrorType.objects.get(code=code),
            offset_seconds=10 + offset,
            note="Gehoord in het gesprek.",
            root_cause=RootCause.objects.get(code=cause, is_active=True),
            acting_user=reviewer,
        )
    return evaluation_submit(evaluation=evaluation, acting_user=reviewer) if submit else evaluation


def rule_terms(
    *,
    types: tuple[str, ...] = ("UNREPORTED_SIGNAL",),
    n: int = 3,
    window_days: int = 90,
    level: str = "coaching",
    effective_from: dt.date | None = None,
    team_ids: frozenset[int] = frozenset(),
    employment_types: frozenset[str] = frozenset(),
    count_targeted_reviews: bool = False,
    exclude_flagged_reviewers: bool = False,
    exclude_systemic_causes: bool = False,
    requires_confirmation: bool = False,
) -> RuleTerms:
    return RuleTerms(
        purpose="Coaching aanbieden wanneer signalen herhaaldelijk niet gemeld worden.",
        counted_type_codes=frozenset(types),
        count_n=n,
        window_days=window_days,
        level=level,
        effective_from=effective_from or timezone.localdate(),
        team_ids=team_ids,
        employment_types=employment_types,
        count_targeted_reviews=count_targeted_reviews,
        exclude_flagged_reviewers=exclude_flagged_reviewers,
        exclude_systemic_causes=exclude_systemic_causes,
        requires_confirmation=requires_confirmation,
    )


def active_rule(*, qa_lead: User, council: User, at: dt.datetime | None = None, **terms_kwargs: Any) -> RuleVersion:
    """Draft, propose, consent and activate a rule; at ``at`` if given (activation time matters)."""
    moment = at or timezone.now()
    with time_machine.travel(moment, tick=False):
        if "effective_from" not in terms_kwargs:
            terms_kwargs["effective_from"] = timezone.localdate()
        rule = threshold_rule_create(
            name=f"Regel {next(_rule_counter)}",
            terms=rule_terms(**terms_kwargs),
            acting_user=qa_lead,
        )
        version = rule.versions.get()
        rule_version_propose(version=version, acting_user=qa_lead)
        rule_version_decide_consent(
            version=version, decision="granted", reference="OR-2026-14", population="Alle agenten", acting_user=council
        )
        return rule_version_activate(version=version, acting_user=qa_lead)


def unsaved_alert(*, version: RuleVersion, agent: User, as_of: dt.datetime, **fields: Any) -> Alert:
    """An alert of ``version`` for ``agent`` over the 90 days before ``as_of``, not yet written."""
    return Alert(
        agent=agent,
        rule=version.rule,
        rule_version=version,
        level=version.level,
        as_of=as_of,
        window_start=as_of - dt.timedelta(days=90),
        window_end=as_of,
        **fields,
    )


def run_scoring_inline(
    as_of: dt.datetime | None = None, chunk_size: int | None = None, *, full: bool = False
) -> ScoringRun:
    """A whole scoring run processed in this process (the real worker is exercised in test_worker.py)."""
    run = scoring_run_create(
        trigger="command", acting_user=None, as_of=as_of, chunk_size=chunk_size, enqueue=False, full=full
    )
    for chunk_id in scoring_run_plan(run_id=run.pk):
        scoring_chunk_process(chunk_id=chunk_id)
    run.refresh_from_db()
    return run


def assignee_of(appeal: Appeal) -> User:
    """The person an appeal is assigned to (every submitted appeal has one)."""
    assert appeal.assignee is not None, "the appeal has no assignee"
    return appeal.assignee


def appeal_decided(evaluation: Evaluation, *, overturn_errors: bool) -> Appeal:
    """The agent appeals the whole evaluation; its assignee decides, overturning its critical errors or not."""
    appeal = appeal_submit(
        evaluation=evaluation,
        reason="Ik ben het hier niet mee eens, zie opname.",
        whole_evaluation=True,
        acting_user=evaluation.call.agent,
    )
    appeal_start_review(appeal=appeal, acting_user=assignee_of(appeal))
    return appeal_decide(
        appeal=appeal,
        decisions=[
            ItemDecision(
                item_id=item.pk, overturned=overturn_errors and item.kind == "critical_error", rationale="Beoordeeld."
            )
            for item in appeal.items.all()
        ],
        rationale="Opname volledig teruggeluisterd en beoordeeld.",
        acting_user=assignee_of(appeal),
    )
