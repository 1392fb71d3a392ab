"""Self-evaluations as each role may read them, what stays withheld from an agent, and the comparison."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from reviews.models import Answer, Evaluation, SelfAnswer, SelfEvaluation, SelfEvaluationStatus
from reviews.selectors import Viewer, evaluations_visible_to
from reviews.selectors.scorecards import answers_in_order
from reviews.selectors.work import lineage_root


def self_evaluations_visible_to(user: Viewer) -> QuerySet[SelfEvaluation]:
    """The agent their own; whoever may read the evaluation it belongs to, the rest. Never the council."""
    rows = SelfEvaluation.objects.select_related(
        "agent", "evaluation__call", "evaluation__scorecard_version__scorecard"
    ).prefetch_related(Prefetch("answers", queryset=SelfAnswer.objects.select_related("criterion")))
    if not isinstance(user, User) or not user.is_authenticated:
        return rows.none()
    if user.role == Role.AGENT:
        return rows.filter(agent=user)
    if user.role in (Role.SUPERVISOR, Role.QA_LEAD):
        return rows.filter(evaluation__in=evaluations_visible_to(user).values("pk"))
    return rows.none()


def withheld_evaluation_ids(user: Viewer) -> set[int]:
    """Evaluations whose reviewer's scoring an agent does not see yet: they may still score the call blind."""
    if not isinstance(user, User) or user.role != Role.AGENT:
        return set()
    return set(
        SelfEvaluation.objects.filter(
            agent=user, status=SelfEvaluationStatus.INVITED, open_until__gt=timezone.now()
        ).values_list("evaluation_id", flat=True)
    )


def latest_revision(evaluation: Evaluation) -> Evaluation:
    """The newest revision of an evaluation's chain (an appeal's decision may have corrected it)."""
    latest = evaluation
    while (later := Evaluation.objects.filter(previous_revision=latest).first()) is not None:
        latest = later
    return latest


def self_evaluation_of(evaluation: Evaluation, user: Viewer) -> SelfEvaluation | None:
    """The self-evaluation belonging to this evaluation (or to the first revision it corrects)."""
    root = lineage_root(evaluation)
    return self_evaluations_visible_to(user).filter(evaluation_id=root.pk).first()


@dataclass(frozen=True)
class ComparisonRow:
    criterion_id: int
    criterion: str
    max_points: int
    own_points: int | None
    own_not_applicable: bool
    reviewer_points: int | None
    reviewer_not_applicable: bool
    own_comment: str

    @property
    def difference(self) -> int | None:
        """The agent's points minus the reviewer's, where both gave points."""
        if self.own_points is None or self.reviewer_points is None:
            return None
        return self.own_points - self.reviewer_points


def side_by_side(self_evaluation: SelfEvaluation, evaluation: Evaluation) -> list[ComparisonRow]:
    """Per criterion of the evaluation, the agent's own answer beside the reviewer's (this revision's)."""
    if self_evaluation.status != SelfEvaluationStatus.SUBMITTED:
        return []
    own = {a.criterion_id: a for a in self_evaluation.answers.all()}
    reviewer_answers: list[Answer] = list(answers_in_order().filter(evaluation=evaluation))
    rows = []
    for answer in reviewer_answers:
        mine = own.get(answer.criterion_id)
        rows.append(
            ComparisonRow(
                criterion_id=answer.criterion_id,
                criterion=answer.criterion.text,
                max_points=answer.criterion.max_points,
                own_points=mine.points if mine else None,
                own_not_applicable=bool(mine and mine.not_applicable),
                reviewer_points=answer.points,
                reviewer_not_applicable=answer.not_applicable,
                own_comment=mine.comment if mine else "",
            )
        )
    return rows


def score_gap(self_evaluation: SelfEvaluation, evaluation: Evaluation) -> Decimal | None:
    if self_evaluation.score is None or evaluation.score is None:
        return None
    return self_evaluation.score - evaluation.score
