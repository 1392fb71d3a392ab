"""Agreement statistics, checked against Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"."""

import pytest

from reviews.domain.agreement import (
    CriterionSpec,
    ReviewerScoring,
    disjoint,
    krippendorff_alpha,
    pairwise_agreement,
    session_results,
    wilson_interval,
)

_: None = None


def alpha_value(data, level):
    value = krippendorff_alpha(data, level).value
    assert value is not None, "alpha is undefined for this data"
    return value


# Section C of the paper: nominal data, four observers, twelve units, missing data.
PAPER_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
# Section A: binary data, two observers, ten units, no missing data.
PAPER_A = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_alpha_matches_the_papers_example_c_at_every_level(level, published):
    assert round(alpha_value(PAPER_C, level), 3) == published


def test_alpha_matches_the_papers_binary_example_a():
    assert round(alpha_value(PAPER_A, "nominal"), 3) == 0.095


def test_perfect_agreement_with_variation_is_one():
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]], "interval").value == pytest.approx(1.0)


def test_alpha_says_why_it_is_undefined():
    assert krippendorff_alpha([[2, 2], [2, 2]], "interval").value is None
    assert "no variation" in krippendorff_alpha([[2, 2], [2, 2]], "interval").note
    assert "two or more reviewers" in krippendorff_alpha([[1, _], [_, 2]], "nominal").note


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1, 1, 1], 1.0), ([1, 1, 2], 1 / 3), ([1, 2, 3], 0.0), ([1, None, 1], 1.0), ([1], None), (["N/A", "N/A"], 1.0)],
)
def test_pairwise_agreement(values, expected):
    result = pairwise_agreement(values)
    assert result == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0), (1, 100, 0.0018, 0.0545)],
)
def test_wilson_interval_known_values(successes, trials, low, high):
    interval = wilson_interval(successes, trials)
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)


def test_wilson_without_trials_and_disjointness():
    assert wilson_interval(0, 0) is None
    assert disjoint(wilson_interval(0, 50), wilson_interval(40, 50))
    assert not disjoint(wilson_interval(5, 50), wilson_interval(7, 50))
    assert not disjoint(None, wilson_interval(7, 50))


CRITERIA = [CriterionSpec(1, "Identiteit", 2), CriterionSpec(2, "Informatie", 4), CriterionSpec(3, "Signaal", 2)]


def scoring(reviewer, answers, errors=(), total=None):
    return ReviewerScoring(reviewer=reviewer, answers=answers, error_types=frozenset(errors), total=total)


def test_session_results_side_by_side_with_deviation_from_the_reference():
    results = session_results(
        criteria=CRITERIA,
        scorings=[
            scoring("1", {1: 2, 2: 4, 3: None}, {"UNREPORTED_SIGNAL"}, 100.0),
            scoring("2", {1: 2, 2: 2, 3: None}, set(), 66.7),
            scoring("3", {1: 1, 2: 3, 3: 2}, {"UNREPORTED_SIGNAL"}, 75.0),
        ],
        error_types=["PRIVACY_BREACH", "UNREPORTED_SIGNAL"],
        reference="1",
    )
    first = results.criteria[0]
    assert first.answers == {"1": 2, "2": 2, "3": 1}
    assert first.agreement == pytest.approx(1 / 3)
    assert results.criteria[2].answers == {"1": "N/A", "2": "N/A", "3": 2}
    assert results.deviation_from == "reference"
    assert [(r.reviewer, r.deviation) for r in results.reviewers] == [("1", 0.0), ("2", -33.3), ("3", -25.0)]
    assert results.critical_error_agreement == {"PRIVACY_BREACH": 1.0, "UNREPORTED_SIGNAL": pytest.approx(1 / 3)}
    assert results.alpha_points.value is not None


def test_without_a_reference_deviation_is_from_the_median():
    results = session_results(
        criteria=CRITERIA[:1],
        scorings=[scoring("1", {1: 2}, total=100.0), scoring("2", {1: 1}, total=50.0), scoring("3", {1: 0}, total=0.0)],
        error_types=[],
        reference=None,
    )
    assert results.deviation_from == "median"
    assert [r.deviation for r in results.reviewers] == [50.0, 0.0, -50.0]
