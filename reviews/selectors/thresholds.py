"""Reads for threshold rules and the batch: set-based, a fixed number of queries per chunk."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from django.db import connection
from django.db.models import BigIntegerField, BooleanField, Count, ExpressionWrapper, Func, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import DomainError, InvalidTransition
from reviews.domain.thresholds import ErrorFact, in_scope
from reviews.models import (
    AlertEvidence,
    AlertStatus,
    CauseKind,
    CriticalError,
    CriticalErrorStatus,
    EvaluationStatus,
    RuleVersion,
    RuleVersionStatus,
    Selection,
)

# Evaluations whose critical errors count: submitted and later, never drafts.
COUNTING_EVALUATION_STATUSES = (
    EvaluationStatus.SUBMITTED,
    EvaluationStatus.ACKNOWLEDGED,
    EvaluationStatus.APPEALED,
    EvaluationStatus.FINAL,
)


@dataclass(frozen=True)
class AgentProfile:
    team_id: int | None
    employment_type: str


class CandidateError(NamedTuple):  # one per error in a chunk's widest window: a tuple is quick to make
    error_id: int
    agent_id: int
    type_code: str
    observed_at: dt.datetime
    counts_toward_thresholds: bool
    # What a rule version's own terms look at: a targeted review's errors, and who logged the error.
    targeted: bool = False
    reviewer_id: int | None = None
    systemic: bool = False  # of a systemic root cause (time pressure, an outage, unclear policy)
    confirmed: bool = False  # a second reviewer (or a QA lead) confirmed it


def agent_profiles(*, among: Collection[int] | None = None) -> dict[int, AgentProfile]:
    """Active agents with what rule scopes look at (one query)."""
    agents = User.objects.filter(role=Role.AGENT, is_active=True)
    if among is not None:
        agents = agents.filter(pk__in=among)
    return {
        pk: AgentProfile(team_id=team_id, employment_type=employment_type)
        for pk, team_id, employment_type in agents.values_list("pk", "team_id", "employment_type")
    }


def in_rule_scope(profiles: dict[int, AgentProfile], version: RuleVersion) -> dict[int, str]:
    """The agents of ``profiles`` a rule version covers, as {agent id: employment type}."""
    team_ids = frozenset(t.pk for t in version.scope_teams.all())
    employment_types = frozenset(version.scope_employment_types)
    return {
        agent_id: p.employment_type
        for agent_id, p in profiles.items()
        if in_scope(
            agent_team_id=p.team_id,
            agent_employment_type=p.employment_type,
            team_ids=team_ids,
            employment_types=employment_types,
        )
    }


def _candidates(
    *,
    type_codes: Collection[str],
    after: dt.datetime,
    until: dt.datetime,
    excluded_reviewer_ids: Collection[int],
    count_targeted_reviews: bool,
    exclude_systemic_causes: bool = False,
    require_confirmation: bool = False,
) -> QuerySet[CriticalError]:
    """Active critical errors of these types observed in (after, until], from counting evaluations."""
    rows = CriticalError.objects.filter(
        observed_at__gt=after,
        observed_at__lte=until,
        status=CriticalErrorStatus.ACTIVE,
        type__code__in=type_codes,
        # Critical errors stay on the evaluation they were logged in; a later revision (after an
        # appeal) corrects answers and score, while each error's own status says whether it counts.
        evaluation__status__in=COUNTING_EVALUATION_STATUSES,
        evaluation__calibration_session__isnull=True,  # calibration never counts
    ).exclude(evaluation__reviewer_id__in=excluded_reviewer_ids)
    if not count_targeted_reviews:
        rows = rows.exclude(evaluation__selection=Selection.TARGETED)
    if exclude_systemic_causes:
        rows = rows.exclude(root_cause__kind=CauseKind.SYSTEMIC)
    if require_confirmation:
        rows = rows.filter(confirmed_at__isnull=False)
    return rows


def agents_reaching(
    *,
    count_n: int,
    type_codes: Collection[str],
    after: dt.datetime,
    until: dt.datetime,
    excluded_reviewer_ids: Collection[int] = (),
    count_targeted_reviews: bool = True,
    exclude_systemic_causes: bool = False,
    require_confirmation: bool = False,
) -> set[int]:
    """Agents with at least ``count_n`` counting errors of these types in (after, until], counted in SQL.

    The what-if preview's question (no earlier decisions, no evidence): the same errors as
    ``candidate_errors`` and ``reviews.domain.thresholds.counts``, grouped per agent in the database
    instead of read into Python.
    """
    if not type_codes:
        return set()
    rows = _candidates(
        type_codes=type_codes,
        after=after,
        until=until,
        excluded_reviewer_ids=excluded_reviewer_ids,
        count_targeted_reviews=count_targeted_reviews,
        exclude_systemic_causes=exclude_systemic_causes,
        require_confirmation=require_confirmation,
    ).filter(type__counts_toward_thresholds=True)
    grouped = rows.order_by().values("agent_id").annotate(n=Count("pk")).filter(n__gte=count_n)
    return set(grouped.values_list("agent_id", flat=True))


def candidate_errors(
    *,
    agent_ids: Collection[int],
    type_codes: Collection[str],
    after: dt.datetime,
    until: dt.datetime,
    excluded_reviewer_ids: Collection[int] = (),
    count_targeted_reviews: bool = True,
) -> list[CandidateError]:
    """Active critical errors of these agents and types observed in (after, until], from counting evaluations.

    One query, driven by the (agent, observed_at) index. Each candidate says whether it came from a
    targeted review and who logged it: whether that counts is a term of each rule version
    (``facts_for_rule``). ``excluded_reviewer_ids`` and ``count_targeted_reviews=False`` narrow the
    query itself when every rule it serves agrees.
    """
    if not agent_ids or not type_codes:
        return []
    rows: Any = (
        _candidates(
            type_codes=type_codes,
            after=after,
            until=until,
            excluded_reviewer_ids=excluded_reviewer_ids,
            count_targeted_reviews=count_targeted_reviews,
        )
        .filter(agent_id__in=agent_ids)
        .order_by()  # the domain orders each agent's errors itself
        # Whether it was confirmed, not when: one timestamp fewer to read for each of ~13,000 rows a chunk.
        .annotate(confirmed=ExpressionWrapper(Q(confirmed_at__isnull=False), output_field=BooleanField()))
    )
    observed_at = "observed_at"
    if connection.vendor == "postgresql":
        # The moment as microseconds since the epoch: psycopg reads an integer in C, where Django's
        # timestamp loader parses text in Python (a sixth of a chunk's time at 10,000 agents).
        rows = rows.annotate(observed_us=EpochMicroseconds("observed_at"))
        observed_at = "observed_us"
    rows = rows.values_list(
        "pk",
        "agent_id",
        "type__code",
        observed_at,
        "type__counts_toward_thresholds",
        "evaluation__selection",
        "evaluation__reviewer_id",
        "root_cause__kind",
        "confirmed",
    )
    return [
        CandidateError(
            pk,
            agent,
            code,
            observed if isinstance(observed, dt.datetime) else EPOCH + dt.timedelta(microseconds=observed),
            counts,
            selection == Selection.TARGETED,
            reviewer,
            kind == CauseKind.SYSTEMIC,
            bool(confirmed),
        )
        for pk, agent, code, observed, counts, selection, reviewer, kind, confirmed in rows
    ]


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class EpochMicroseconds(Func):
    """A PostgreSQL timestamptz as whole microseconds since the epoch: exact, since it stores
    microseconds and EXTRACT answers a numeric (PostgreSQL 14 and later; compose runs 15)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()


def decided_evidence(agent_ids: Collection[int]) -> dict[int, set[int]]:
    """For each error of these agents: the rules whose confirmed or dismissed alerts already used it."""
    used: dict[int, set[int]] = defaultdict(set)
    if not agent_ids:
        return used
    for error_id, rule_id in AlertEvidence.objects.filter(
        alert__agent_id__in=agent_ids, alert__status__in=[AlertStatus.CONFIRMED, AlertStatus.DISMISSED]
    ).values_list("critical_error_id", "alert__rule_id"):
        used[error_id].add(rule_id)
    return used


def facts_for_rule(
    candidates: Iterable[CandidateError],
    *,
    agent_ids: Collection[int],
    used: dict[int, set[int]],
    rule_id: int | None,
    count_targeted_reviews: bool = False,
    excluded_reviewer_ids: Collection[int] = (),
    exclude_systemic_causes: bool = False,
    require_confirmation: bool = False,
) -> list[ErrorFact]:
    """The candidates of in-scope agents, as the domain's facts for one rule version.

    Its terms decide what else counts: a targeted review looks where a problem is expected, so its
    errors count only where the version says so (counting them makes whoever is looked at more often
    look worse); errors logged by ``excluded_reviewer_ids`` (flagged in calibration) do not count
    where the version excludes them; errors of a systemic root cause do not count where the version
    leaves them out (the organisation caused them, not the agent); where the version requires
    confirmation, only errors a second reviewer (or a QA lead) confirmed count.
    """
    excluded = frozenset(excluded_reviewer_ids)
    return [
        ErrorFact(
            error_id=c.error_id,
            agent_id=c.agent_id,
            type_code=c.type_code,
            observed_at=c.observed_at,
            active=True,
            counts_toward_thresholds=c.counts_toward_thresholds,
            used_by_decided_alert=rule_id is not None and rule_id in used.get(c.error_id, ()),
        )
        for c in candidates
        if c.agent_id in agent_ids
        and (count_targeted_reviews or not c.targeted)
        and (c.reviewer_id is None or c.reviewer_id not in excluded)
        and not (exclude_systemic_causes and c.systemic)
        and (c.confirmed or not require_confirmation)
    ]


def firing_rule_versions(as_of: dt.datetime) -> list[RuleVersion]:
    """Active versions that may fire at as_of: consented, activated, not past review_by."""
    today = timezone.localtime(as_of).date()
    return list(
        RuleVersion.objects.filter(status=RuleVersionStatus.ACTIVE, review_by__gte=today, activated_at__lte=as_of)
        .select_related("rule")
        .prefetch_related("counted_types", "scope_teams")
    )


def counting_from(version: RuleVersion) -> dt.datetime:
    """A rule never reaches back: it counts from effective_from, or from its activation if that was later."""
    start_of_day = timezone.make_aware(dt.datetime.combine(version.effective_from, dt.time.min))
    assert version.activated_at is not None
    return max(start_of_day, version.activated_at)


V = TypeVar("V", bound=Model)


def rule_version_for_action(rule_id: int, *, requested_id: int | None, states: Collection[str]) -> RuleVersion:
    """The version a lifecycle action applies to: the one asked for, or the newest in one of ``states``."""
    return version_for_action(
        RuleVersion.objects.filter(rule_id=rule_id),
        requested_id=requested_id,
        states=states,
        not_ours=_("That version does not belong to this rule."),
        none_in=_("This rule has no version that is %(states)s."),
    )


def version_for_action(
    versions: QuerySet[V], *, requested_id: int | None, states: Collection[str], not_ours: str, none_in: str
) -> V:
    """Of a rule's or a screening list's versions: the one asked for, or the newest in one of ``states``."""
    if requested_id is not None:
        version = versions.filter(pk=requested_id).first()
        if version is None:
            raise DomainError(not_ours, fields={"version": [_("Not found.")]})
        return version
    version = versions.filter(status__in=states).order_by("-number").first()
    if version is None:
        raise InvalidTransition(none_in % {"states": " / ".join(states)}, code="no_such_version")
    return version
