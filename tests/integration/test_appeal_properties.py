"""Property: whatever appeals decide, the alerts left standing are exactly what a fresh run would open."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews.domain.thresholds import ErrorFact, RuleSpec, evaluate_rule
from reviews.models import Alert, AlertStatus, CriticalError
from tests.helpers import active_rule, appeal_decided, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def fresh_run_would_open(spec: RuleSpec, as_of: dt.datetime) -> set[int]:
    """A fresh run over the surviving errors: no earlier decisions, every active error counted."""
    facts = [
        ErrorFact(
            error_id=e.pk,
            agent_id=e.agent_id,
            type_code=e.type.code,
            observed_at=e.observed_at,
            active=e.status == "active",
            counts_toward_thresholds=e.type.counts_toward_thresholds,
        )
        for e in CriticalError.objects.select_related("type")
    ]
    return {f.agent_id for f in evaluate_rule(facts, spec, as_of)}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    errors_per_agent=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    count_n=st.integers(1, 3),
    outcomes=st.lists(st.sampled_from(["overturn", "uphold", "skip"]), min_size=8, max_size=8),
)
def test_standing_alerts_equal_what_a_fresh_run_over_surviving_errors_opens(
    world, published_version, errors_per_agent, count_n, outcomes
):
    try:
        with transaction.atomic():
            start = timezone.now() - dt.timedelta(days=30)
            version = active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=count_n)
            evaluations = []
            for agent, count in zip([world.agent, world.colleague], errors_per_agent, strict=True):
                for i in range(count):
                    evaluations.append(
                        scored_call(
                            reviewer=world.supervisor,
                            agent=agent,
                            version=published_version,
                            started_at=timezone.now() - dt.timedelta(days=1 + i),
                        )
                    )
            run_scoring_inline()
            spec = RuleSpec(frozenset({"UNREPORTED_SIGNAL"}), count_n, 90, start)
            for evaluation, outcome in zip(evaluations, outcomes, strict=False):
                if outcome == "skip":
                    continue
                appeal_decided(evaluation, overturn_errors=outcome == "overturn")
                standing = set(
                    Alert.objects.filter(
                        rule=version.rule, status__in=[AlertStatus.OPEN, AlertStatus.CONFIRMED]
                    ).values_list("agent_id", flat=True)
                )
                assert standing == fresh_run_would_open(spec, timezone.now())
            raise Rollback
    except Rollback:
        pass
