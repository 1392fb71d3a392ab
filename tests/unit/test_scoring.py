from decimal import Decimal

import pytest

from reviews.domain.scoring import (
    AnswerValue,
    CriterionSpec,
    CriticalPolicy,
    answer_problems,
    compute_score,
    unanswered,
)


def specs(*max_points: int, na: bool = True) -> list[CriterionSpec]:
    return [CriterionSpec(criterion_id=i, max_points=m, na_allowed=na) for i, m in enumerate(max_points, start=1)]


def answers(*values: int | None) -> dict[int, AnswerValue]:
    return {i: AnswerValue(criterion_id=i, points=v, not_applicable=v is None) for i, v in enumerate(values, start=1)}


@pytest.mark.parametrize(
    ("max_points", "given", "policy", "errors", "expected_score", "auto_failed"),
    [
        # bonus-free maximum: every point earned
        ((2, 4, 2), (2, 4, 2), CriticalPolicy.SEPARATE, 0, Decimal("100.0"), False),
        # zero points everywhere is a real score of 0, not "not scorable"
        ((2, 4, 2), (0, 0, 0), CriticalPolicy.SEPARATE, 0, Decimal("0.0"), False),
        # all N/A: nothing applies, not scorable
        ((2, 4, 2), (None, None, None), CriticalPolicy.SEPARATE, 0, None, False),
        # N/A leaves the denominator: 3 of 6 applicable points
        ((2, 4, 2), (1, 2, None), CriticalPolicy.SEPARATE, 0, Decimal("50.0"), False),
        # one critical error under "separate": the quality score stands
        ((2, 4, 2), (2, 4, 2), CriticalPolicy.SEPARATE, 1, Decimal("100.0"), False),
        # one critical error under "zero": auto-fail
        ((2, 4, 2), (2, 4, 2), CriticalPolicy.ZERO, 1, Decimal("0.0"), True),
        # "zero" without critical errors scores normally
        ((2, 4, 2), (2, 3, 2), CriticalPolicy.ZERO, 0, Decimal("87.5"), False),
        # "zero" with a critical error fails even when nothing else applies
        ((2,), (None,), CriticalPolicy.ZERO, 1, Decimal("0.0"), True),
        # rounding at .x5 goes half up: 1/16 = 6.25 -> 6.3
        ((16,), (1,), CriticalPolicy.SEPARATE, 0, Decimal("6.3"), False),
        # 3/16 = 18.75 -> 18.8
        ((16,), (3,), CriticalPolicy.SEPARATE, 0, Decimal("18.8"), False),
        # 2/3 = 66.666... -> 66.7; 1/3 = 33.333... -> 33.3
        ((3,), (2,), CriticalPolicy.SEPARATE, 0, Decimal("66.7"), False),
        ((3,), (1,), CriticalPolicy.SEPARATE, 0, Decimal("33.3"), False),
    ],
)
def test_it_scores_earned_over_applicable_points(max_points, given, policy, errors, expected_score, auto_failed):
    result = compute_score(
        criteria=specs(*max_points), answers=answers(*given), policy=policy, active_critical_errors=errors
    )
    assert result.score == expected_score
    assert result.auto_failed is auto_failed
    assert result.scorable is (expected_score is not None)
    if expected_score is not None:
        assert result.score.as_tuple().exponent == -1  # always one decimal place


def test_it_ignores_unanswered_criteria_while_scoring_a_draft():
    result = compute_score(
        criteria=specs(2, 4), answers=answers(2), policy=CriticalPolicy.SEPARATE, active_critical_errors=0
    )
    assert (result.score, result.points_earned, result.points_possible) == (Decimal("100.0"), 2, 2)


@pytest.mark.parametrize(
    ("na_allowed", "points", "na", "problem"),
    [
        (False, 3, False, "At most 2 points"),
        (False, -1, False, "cannot be negative"),
        (False, None, True, "N/A is not allowed"),
        (True, 1, True, "has no points"),
        (True, None, False, "Give points"),
    ],
)
def test_it_explains_invalid_answers(na_allowed, points, na, problem):
    criterion = CriterionSpec(criterion_id=1, max_points=2, na_allowed=na_allowed)
    problems = answer_problems(criterion, points=points, not_applicable=na)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(("points", "na"), [(0, False), (2, False), (None, True)])
def test_it_accepts_valid_answers(points, na):
    criterion = CriterionSpec(criterion_id=1, max_points=2, na_allowed=True)
    assert answer_problems(criterion, points=points, not_applicable=na) == []


def test_it_lists_unanswered_criteria_in_order():
    assert unanswered(specs(1, 1, 1, 1), {2, 4}) == [1, 3]
