import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.domain.disclosure import suppress_small_cells
from reviews.domain.thresholds import ErrorFact, RuleSpec, evaluate_rule, in_scope, window_for

UTC = dt.UTC
AS_OF = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
RULE = RuleSpec(
    counted_types=frozenset({"UNREPORTED_SIGNAL"}),
    count_n=3,
    window_days=90,
    counting_from=dt.datetime(2026, 6, 1, tzinfo=UTC),
)
_ids = iter(range(1, 10**9))


def error(days_before: float, *, agent=1, code="UNREPORTED_SIGNAL", active=True, counts=True, used=False, at=None):
    return ErrorFact(
        error_id=next(_ids),
        agent_id=agent,
        type_code=code,
        observed_at=at or AS_OF - dt.timedelta(days=days_before),
        active=active,
        counts_toward_thresholds=counts,
        used_by_decided_alert=used,
    )


def fires(errors, rule=RULE, as_of=AS_OF):
    return [f.agent_id for f in evaluate_rule(errors, rule, as_of)]


def test_exactly_n_errors_fire_and_n_minus_one_do_not():
    assert fires([error(1), error(2), error(3)]) == [1]
    assert fires([error(1), error(2)]) == []


def test_an_error_at_exactly_as_of_minus_w_is_outside_the_window():
    boundary = AS_OF - dt.timedelta(days=90)
    assert fires([error(1), error(2), error(0, at=boundary)]) == []
    assert fires([error(1), error(2), error(0, at=boundary + dt.timedelta(microseconds=1))]) == [1]


def test_an_error_at_exactly_as_of_counts():
    assert fires([error(1), error(2), error(0)]) == [1]


def test_an_error_before_counting_from_never_counts():
    before = RULE.counting_from - dt.timedelta(seconds=1)
    rule = RuleSpec(RULE.counted_types, 3, 365, RULE.counting_from)
    assert fires([error(1), error(2), error(0, at=before)], rule=rule) == []
    assert fires([error(1), error(2), error(0, at=RULE.counting_from)], rule=rule) == [1]


def test_overturned_used_and_non_counting_errors_do_not_count():
    base = [error(1), error(2)]
    assert fires([*base, error(3, active=False)]) == []
    assert fires([*base, error(3, used=True)]) == []
    assert fires([*base, error(3, counts=False)]) == []
    assert fires([*base, error(3, code="PRIVACY_BREACH")]) == []


def test_the_evidence_is_every_counted_error_oldest_first():
    errors = [error(5), error(50), error(1), error(200)]
    (firing,) = evaluate_rule(errors, RULE, AS_OF)
    assert firing.evidence == (errors[1].error_id, errors[0].error_id, errors[2].error_id)
    assert firing.window == window_for(AS_OF, 90)


error_strategy = st.builds(
    ErrorFact,
    error_id=st.integers(1, 10**6),
    agent_id=st.integers(1, 4),
    type_code=st.sampled_from(["UNREPORTED_SIGNAL", "PRIVACY_BREACH", "DISRESPECTFUL_CONDUCT"]),
    observed_at=st.datetimes(
        min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31), timezones=st.just(UTC)
    ),
    active=st.booleans(),
    counts_toward_thresholds=st.booleans(),
    used_by_decided_alert=st.booleans(),
)
rule_strategy = st.builds(
    RuleSpec,
    counted_types=st.frozensets(st.sampled_from(["UNREPORTED_SIGNAL", "PRIVACY_BREACH"]), min_size=1),
    count_n=st.integers(1, 4),
    window_days=st.integers(1, 730),
    counting_from=st.datetimes(
        min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31), timezones=st.just(UTC)
    ),
)


@settings(max_examples=300)
@given(st.lists(error_strategy, max_size=30, unique_by=lambda e: e.error_id), rule_strategy, st.randoms())
def test_the_order_of_errors_changes_nothing(errors, rule, rnd):
    shuffled = list(errors)
    rnd.shuffle(shuffled)
    assert evaluate_rule(errors, rule, AS_OF) == evaluate_rule(shuffled, rule, AS_OF)


@settings(max_examples=300)
@given(st.lists(error_strategy, max_size=30, unique_by=lambda e: e.error_id), rule_strategy, error_strategy)
def test_adding_a_non_counted_error_changes_nothing(errors, rule, extra):
    non_counted = ErrorFact(
        error_id=10**7,
        agent_id=extra.agent_id,
        type_code="DISRESPECTFUL_CONDUCT",  # never in the counted types above
        observed_at=extra.observed_at,
        active=extra.active,
        counts_toward_thresholds=extra.counts_toward_thresholds,
    )
    assert evaluate_rule([*errors, non_counted], rule, AS_OF) == evaluate_rule(errors, rule, AS_OF)


@settings(max_examples=300)
@given(st.lists(error_strategy, max_size=40, unique_by=lambda e: e.error_id), rule_strategy)
def test_no_evidence_is_ever_observed_before_counting_from_or_outside_the_window(errors, rule):
    by_id = {e.error_id: e for e in errors}
    window = window_for(AS_OF, rule.window_days)
    for firing in evaluate_rule(errors, rule, AS_OF):
        assert len(firing.evidence) >= rule.count_n
        for error_id in firing.evidence:
            fact = by_id[error_id]
            assert fact.observed_at >= rule.counting_from
            assert window.contains(fact.observed_at)
            assert fact.active and fact.counts_toward_thresholds and not fact.used_by_decided_alert
            assert fact.agent_id == firing.agent_id


def test_scope_covers_everyone_when_empty_and_narrows_per_dimension():
    assert in_scope(
        agent_team_id=1, agent_employment_type="temp_agency", team_ids=frozenset(), employment_types=frozenset()
    )
    assert in_scope(
        agent_team_id=1, agent_employment_type="temp_agency", team_ids=frozenset({1}), employment_types=frozenset()
    )
    assert not in_scope(
        agent_team_id=2, agent_employment_type="permanent", team_ids=frozenset({1}), employment_types=frozenset()
    )
    assert not in_scope(
        agent_team_id=1,
        agent_employment_type="permanent",
        team_ids=frozenset({1}),
        employment_types=frozenset({"temp_agency"}),
    )


def test_small_cells_are_suppressed_and_a_lone_one_gets_a_partner():
    assert suppress_small_cells({"a": 40, "b": 12, "c": 3}, 10) == {"a": 40, "b": None, "c": None}
    assert suppress_small_cells({"a": 40, "b": 2, "c": 3}, 10) == {"a": 40, "b": None, "c": None}
    assert suppress_small_cells({"a": 40, "b": 12}, 10) == {"a": 40, "b": 12}


@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 60), min_size=1), st.integers(1, 20))
def test_no_suppressed_cell_can_be_recovered_from_the_total(cells, k):
    shown = suppress_small_cells(cells, k)
    hidden = [key for key, value in shown.items() if value is None]
    # Every cell of 1 to k-1 is hidden, and never exactly one cell is hidden (unless it is the only cell).
    assert all(shown[key] is None for key, value in cells.items() if 0 < value < k)
    assert len(hidden) != 1 or len(cells) == 1
    assert all(shown[key] == value for key, value in cells.items() if key not in hidden)
