"""Agreement between reviewers: percentage agreement, Krippendorff's alpha, deviations, Wilson intervals.

Krippendorff's alpha comes from the maintained ``krippendorff`` package; this
module only arranges the reliability data (reviewers x units, missing values
allowed) and reports when alpha is undefined rather than inventing a number.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import krippendorff
import numpy as np

Level = Literal["nominal", "ordinal", "interval", "ratio"]
NA = "N/A"


@dataclass(frozen=True)
class Alpha:
    value: float | None
    note: str = ""


def krippendorff_alpha(matrix: Sequence[Sequence[float | None]], level: Level) -> Alpha:
    """Alpha over a reviewers x units matrix (None = missing). Undefined cases say why."""
    data = np.array([[np.nan if v is None else float(v) for v in row] for row in matrix], dtype=float)
    pairable_units = int(np.sum(np.sum(~np.isnan(data), axis=0) >= 2)) if data.size else 0
    if pairable_units == 0:
        return Alpha(None, "undefined: no unit was scored by two or more reviewers")
    values = data[~np.isnan(data)]
    if np.unique(values).size < 2:
        return Alpha(None, "undefined: every value is the same, so there is no variation to agree on")
    return Alpha(float(krippendorff.alpha(reliability_data=data, level_of_measurement=level)))


def pairwise_agreement(values: Sequence[object]) -> float | None:
    """Share of reviewer pairs giving the same answer (missing answers are left out)."""
    present = [v for v in values if v is not None]
    pairs = list(itertools.combinations(present, 2))
    if not pairs:
        return None
    return sum(a == b for a, b in pairs) / len(pairs)


@dataclass(frozen=True)
class WilsonInterval:
    """A 95 % interval of a proportion (0 to 1); ``*_per_100`` give it in the unit rates are shown in."""

    low: float
    high: float

    @property
    def low_per_100(self) -> float:
        return round(self.low * 100, 1)

    @property
    def high_per_100(self) -> float:
        return round(self.high * 100, 1)


def wilson_interval(successes: int, trials: int, z: float = 1.959964) -> WilsonInterval | None:
    """The 95 % Wilson score interval of a proportion; None without trials."""
    if trials == 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return WilsonInterval(low=max(0.0, centre - margin), high=min(1.0, centre + margin))


def disjoint(a: WilsonInterval | None, b: WilsonInterval | None) -> bool:
    """True when one interval lies wholly outside the other."""
    return a is not None and b is not None and (a.high < b.low or b.high < a.low)


@dataclass(frozen=True)
class CriterionSpec:
    criterion_id: int
    text: str
    max_points: int


@dataclass(frozen=True)
class ReviewerScoring:
    reviewer: str  # a stable key (the reviewer's id); readers map it to a name or a pseudonym
    answers: Mapping[int, int | None]  # criterion id -> points, None for N/A
    error_types: frozenset[str]
    total: float | None  # the evaluation's score


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: int
    text: str
    answers: dict[str, int | str | None]
    agreement: float | None


@dataclass(frozen=True)
class ReviewerResult:
    reviewer: str
    total: float | None
    deviation: float | None  # from the reference reviewer, or from the median total
    error_types: list[str]


@dataclass(frozen=True)
class SessionResults:
    criteria: list[CriterionResult]
    alpha_points: Alpha  # interval; units = criteria, points as a share of the criterion's maximum
    alpha_na: Alpha  # nominal; units = criteria, applicable or N/A
    alpha_critical_errors: Alpha  # nominal; units = error types, logged or not
    critical_error_agreement: dict[str, float | None]
    reviewers: list[ReviewerResult]
    deviation_from: str  # "reference" or "median"


def session_results(
    *,
    criteria: Sequence[CriterionSpec],
    scorings: Sequence[ReviewerScoring],
    error_types: Sequence[str],
    reference: str | None,
) -> SessionResults:
    """The results of one calibration session, computed when it closes."""
    criterion_results = []
    points_matrix: list[list[float | None]] = [[] for _ in scorings]
    na_matrix: list[list[float | None]] = [[] for _ in scorings]
    for criterion in criteria:
        answers: dict[str, int | str | None] = {}
        for row, scoring in enumerate(scorings):
            if criterion.criterion_id not in scoring.answers:
                answers[scoring.reviewer] = None
                points_matrix[row].append(None)
                na_matrix[row].append(None)
                continue
            points = scoring.answers[criterion.criterion_id]
            answers[scoring.reviewer] = NA if points is None else points
            points_matrix[row].append(None if points is None else points / criterion.max_points)
            na_matrix[row].append(1.0 if points is None else 0.0)
        criterion_results.append(
            CriterionResult(
                criterion_id=criterion.criterion_id,
                text=criterion.text,
                answers=answers,
                agreement=pairwise_agreement(list(answers.values())),
            )
        )
    error_matrix = [[1.0 if t in s.error_types else 0.0 for t in error_types] for s in scorings]
    totals = {s.reviewer: s.total for s in scorings}
    known_totals = [t for t in totals.values() if t is not None]
    if reference is not None and totals.get(reference) is not None:
        anchor, deviation_from = totals[reference], "reference"
    else:
        anchor, deviation_from = (statistics.median(known_totals) if known_totals else None), "median"
    return SessionResults(
        criteria=criterion_results,
        alpha_points=krippendorff_alpha(points_matrix, "interval"),
        alpha_na=krippendorff_alpha(na_matrix, "nominal"),
        alpha_critical_errors=krippendorff_alpha(error_matrix, "nominal") if error_types else Alpha(None, "no types"),
        critical_error_agreement={t: pairwise_agreement([t in s.error_types for s in scorings]) for t in error_types},
        reviewers=[
            ReviewerResult(
                reviewer=s.reviewer,
                total=s.total,
                deviation=None if s.total is None or anchor is None else round(s.total - anchor, 1),
                error_types=sorted(s.error_types),
            )
            for s in scorings
        ],
        deviation_from=deviation_from,
    )
