"""The what-if preview counts in SQL; the scoring run counts in Python. Both must count the same errors."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from reviews.domain.thresholds import RuleSpec, evaluate_rule
from reviews.models import CriticalError, CriticalErrorStatus, CriticalErrorType
from reviews.selectors.thresholds import agents_reaching, candidate_errors, facts_for_rule
from tests.factories import UserFactory
from tests.helpers import scored_call

pytestmark = pytest.mark.django_db

SEED = 20261130
CODES = ["UNREPORTED_SIGNAL", "PRIVACY_BREACH", "WRONG_BENEFIT_INFORMATION"]


def test_the_previews_sql_count_flags_exactly_the_agents_the_scoring_engine_flags(world, published_version):
    print(f"seed {SEED}")
    draw = random.Random(SEED)
    now = timezone.now()
    agents = [world.agent, world.colleague] + [
        UserFactory.create(username=f"p{i}", team=world.agent.team) for i in range(6)
    ]
    reviewers = [world.supervisor, world.qa_lead]
    calls = 0
    for agent in agents:
        for _ in range(draw.randint(0, 5)):
            calls += 1
            evaluation = scored_call(
                reviewer=reviewers[calls % 2] if agent.team_id == world.supervisor.team_id else world.qa_lead,
                agent=agent,
                version=published_version,
                started_at=now - dt.timedelta(days=draw.randint(1, 120)),
                errors=tuple(draw.sample(CODES, draw.randint(1, 2))),
                target_reason="complaint" if draw.random() < 0.25 else "",
            )
            if draw.random() < 0.2:  # an upheld appeal took one error back
                CriticalError.objects.filter(pk=evaluation.critical_errors.first().pk).update(
                    status=CriticalErrorStatus.OVERTURNED
                )
    # One type that does not count toward thresholds, whatever a rule lists.
    CriticalErrorType.objects.filter(code="PRIVACY_BREACH").update(counts_toward_thresholds=False)
    agent_ids = [a.pk for a in agents]
    compared = 0
    for n in (1, 2, 3):
        for window_days in (30, 90, 365):
            for types in (frozenset(CODES[:1]), frozenset(CODES[:2]), frozenset(CODES)):
                for targeted in (False, True):
                    after = now - dt.timedelta(days=window_days)
                    candidates = candidate_errors(
                        agent_ids=agent_ids, type_codes=types, after=after, until=now, count_targeted_reviews=targeted
                    )
                    facts = facts_for_rule(
                        candidates, agent_ids=agent_ids, used={}, rule_id=None, count_targeted_reviews=targeted
                    )
                    spec = RuleSpec(types, n, window_days, counting_from=after - dt.timedelta(days=1))
                    engine = {f.agent_id for f in evaluate_rule(facts, spec, now)}
                    sql = agents_reaching(
                        count_n=n, type_codes=types, after=after, until=now, count_targeted_reviews=targeted
                    )
                    assert sql == engine, (n, window_days, sorted(types), targeted)
                    compared += bool(engine)
    assert compared > 10  # most of the 54 rule shapes flag someone: the comparison is not vacuous
