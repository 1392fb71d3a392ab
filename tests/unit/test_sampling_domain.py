"""The draw is uniform and reproducible; reviewer load is balanced and own supervisors are kept apart."""

import datetime as dt
from collections import Counter

import pytest

from reviews.domain.periods import add_months, month_bounds, previous_month
from reviews.domain.sampling import (
    Draw,
    NoReviewer,
    assign_reviewers,
    draw_calls,
    draw_size,
)


def test_previous_month_and_add_months_cross_years_and_short_months():
    assert previous_month(dt.date(2026, 1, 15)) == "2025-12"
    assert previous_month(dt.date(2026, 3, 31)) == "2026-02"
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 11, 30), 14) == dt.date(2028, 1, 30)
    assert add_months(dt.date(2026, 3, 15), -3) == dt.date(2025, 12, 15)


def test_month_bounds():
    assert month_bounds("2026-10") == (dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    assert month_bounds("2026-12") == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    for bad in ("2026-13", "october", "2026-1-1", ""):
        with pytest.raises(ValueError, match="YYYY-MM"):
            month_bounds(bad)


def test_draw_size_respects_policy_cap_targeted_reviews_and_available_calls():
    assert draw_size(calls_per_agent=4, per_agent_cap=6, targeted=0, eligible=100) == 4
    assert draw_size(calls_per_agent=4, per_agent_cap=6, targeted=3, eligible=100) == 3
    assert draw_size(calls_per_agent=4, per_agent_cap=6, targeted=9, eligible=100) == 0
    assert draw_size(calls_per_agent=4, per_agent_cap=6, targeted=0, eligible=2) == 2


def test_the_same_seed_gives_the_same_draw_in_any_order_of_calls():
    calls = list(range(1000, 1100))
    first = draw_calls(seed=42, period="2026-10", agent_id=7, eligible_call_ids=calls, k=4)
    again = draw_calls(seed=42, period="2026-10", agent_id=7, eligible_call_ids=list(reversed(calls)), k=4)
    assert first == again and len(set(first)) == 4 and set(first) <= set(calls)
    assert draw_calls(seed=43, period="2026-10", agent_id=7, eligible_call_ids=calls, k=4) != first
    assert draw_calls(seed=42, period="2026-11", agent_id=7, eligible_call_ids=calls, k=4) != first
    assert draw_calls(seed=42, period="2026-10", agent_id=7, eligible_call_ids=calls[:3], k=4) == calls[:3]


def test_every_call_has_the_same_chance_to_be_drawn():
    # 20 calls, 4 drawn, 5,000 draws: each call expected 1,000 times. A chi-square statistic
    # above 43.8 (p = 0.001, 19 degrees of freedom) would mean the draw favours some calls.
    calls = list(range(20))
    counts: Counter[int] = Counter()
    for seed in range(5000):
        counts.update(draw_calls(seed=seed, period="2026-10", agent_id=1, eligible_call_ids=calls, k=4))
    expected = 5000 * 4 / 20
    chi_square = sum((counts[c] - expected) ** 2 / expected for c in calls)
    assert chi_square < 43.8, (chi_square, counts)
    # Position in the list does not matter either: the first and last five calls are drawn alike.
    assert abs(sum(counts[c] for c in calls[:5]) - sum(counts[c] for c in calls[-5:])) < 300


def test_reviewer_load_is_balanced_and_reproducible():
    draws = [Draw(agent_id=a, call_id=a * 10 + i) for a in range(1, 31) for i in range(4)]
    assignment = assign_reviewers(draws, reviewer_ids=[101, 102, 103, 104, 105, 106, 107], excluded={}, seed=5)
    loads = Counter(assignment.values())
    assert sum(loads.values()) == 120 and max(loads.values()) - min(loads.values()) <= 1
    assert assign_reviewers(draws, reviewer_ids=[107, 106, 105, 104, 103, 102, 101], excluded={}, seed=5) == assignment


def test_own_supervisors_never_review_their_agents():
    draws = [Draw(agent_id=a, call_id=a * 10 + i) for a in range(1, 21) for i in range(4)]
    excluded = {a: frozenset({101 if a <= 10 else 102}) for a in range(1, 21)}
    spreads = []
    for seed in range(100):
        assignment = assign_reviewers(draws, reviewer_ids=[101, 102, 103], excluded=excluded, seed=seed)
        for draw in draws:
            assert assignment[draw.call_id] not in excluded[draw.agent_id]
        loads = Counter(assignment.values())
        spreads.append(max(loads.values()) - min(loads.values()))
    # 80 calls over 3 reviewers (26-27 each at best). Handing them out agent by agent would give
    # 30/30/20; the seeded interleaving keeps every seed within 4 and most within 1.
    assert max(spreads) <= 4, spreads
    assert sum(1 for spread in spreads if spread <= 1) >= 75, spreads


def test_an_agent_nobody_may_review_is_reported():
    with pytest.raises(NoReviewer, match="agent 3"):
        assign_reviewers([Draw(3, 30)], reviewer_ids=[101], excluded={3: frozenset({101})}, seed=1)
