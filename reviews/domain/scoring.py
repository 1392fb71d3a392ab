"""Scoring an evaluation.

score = earned points / applicable max points x 100, N/A answers excluded from
both; quantized once, to 0.1 with ROUND_HALF_UP. When nothing applies the
evaluation is "not scorable" (score ``None``). Under the ``zero`` critical
policy any active critical error makes the score 0 ("auto-fail"); under
``separate`` the quality score stands and critical errors are tracked beside it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from reviews.domain.texts import gettext_noop

SCORE_QUANTUM = Decimal("0.1")
HUNDRED = Decimal(100)


class CriticalPolicy(StrEnum):
    SEPARATE = "separate"
    ZERO = "zero"


@dataclass(frozen=True)
class CriterionSpec:
    criterion_id: int
    max_points: int
    na_allowed: bool


@dataclass(frozen=True)
class AnswerValue:
    criterion_id: int
    points: int | None
    not_applicable: bool


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal | None
    points_earned: int
    points_possible: int
    auto_failed: bool

    @property
    def scorable(self) -> bool:
        return self.score is not None


def answer_problems(criterion: CriterionSpec, *, points: int | None, not_applicable: bool) -> list[str]:
    """Why an answer is invalid for its criterion; empty when it is valid."""
    if not_applicable:
        problems: list[str] = []
        if not criterion.na_allowed:
            problems.append(gettext_noop("N/A is not allowed for this criterion."))
        if points is not None:
            problems.append(gettext_noop("An N/A answer has no points."))
        return problems
    if points is None:
        return [gettext_noop("Give points, or mark the criterion N/A where that is allowed.")]
    if points < 0:
        return [gettext_noop("Points cannot be negative.")]
    if points > criterion.max_points:
        return [gettext_noop("At most %(max)s points can be given for this criterion.", max=criterion.max_points)]
    return []


def unanswered(criteria: Iterable[CriterionSpec], answered_ids: Collection[int]) -> list[int]:
    """Ids of criteria without an answer, in the criteria's order. A submit needs none."""
    return [c.criterion_id for c in criteria if c.criterion_id not in answered_ids]


def compute_score(
    *,
    criteria: Iterable[CriterionSpec],
    answers: Mapping[int, AnswerValue],
    policy: CriticalPolicy,
    active_critical_errors: int,
) -> ScoreResult:
    """Score the answers given so far. Unanswered criteria do not count yet."""
    earned = 0
    possible = 0
    for criterion in criteria:
        answer = answers.get(criterion.criterion_id)
        if answer is None or answer.not_applicable or answer.points is None:
            continue
        earned += answer.points
        possible += criterion.max_points

    auto_failed = policy is CriticalPolicy.ZERO and active_critical_errors > 0
    if auto_failed:
        return ScoreResult(score=Decimal("0.0"), points_earned=earned, points_possible=possible, auto_failed=True)
    if possible == 0:
        return ScoreResult(score=None, points_earned=earned, points_possible=possible, auto_failed=False)
    raw = Decimal(earned) / Decimal(possible) * HUNDRED
    return ScoreResult(
        score=raw.quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP),
        points_earned=earned,
        points_possible=possible,
        auto_failed=False,
    )
