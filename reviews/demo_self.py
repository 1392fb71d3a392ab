"""The demo's self-evaluations: the scorecard invites agents to score their own calls first.

agent_a1 has scored a call and sees both scorings side by side; agent_a2 is invited and may still score.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accounts.models import User
from reviews.domain.scoring import AnswerValue
from reviews.models import Call, Evaluation, ScorecardVersion, SelfEvaluation, SelfEvaluationStatus
from reviews.selectors.scorecards import criteria_in_order
from reviews.services.self_evaluations import scorecard_version_self_evaluation_set, self_evaluation_submit


def seed_self_evaluations(
    *, users: dict[str, User], calls: dict[str, Call], version_id: int, evaluate: Callable[..., Any]
) -> None:
    version = ScorecardVersion.objects.get(pk=version_id)
    scorecard_version_self_evaluation_set(version=version, enabled=True, acting_user=users["qa_lead"])
    for external_id, points in (("DEMO-AGENT_A1-3", [2, 3, 2, 1, 2]), ("DEMO-AGENT_A2-3", [2, 4, None, None, 1])):
        evaluate(
            reviewer=users["supervisor_a"], call=calls[external_id], version_id=version_id, points=points, errors=[]
        )
    invitation = SelfEvaluation.objects.filter(
        evaluation=Evaluation.objects.get(call=calls["DEMO-AGENT_A1-3"], previous_revision__isnull=True)
    ).first()
    if invitation is None or invitation.status != SelfEvaluationStatus.INVITED:
        return
    own = [2, 4, 2, 2, 2]
    remarks = {3: "Het signaal heb ik na het gesprek alsnog gemeld."}
    criteria = list(criteria_in_order(version_id=version_id))
    self_evaluation_submit(
        self_evaluation=invitation,
        answers=[AnswerValue(c.pk, p, False) for c, p in zip(criteria, own, strict=True)],
        comments={criteria[i].pk: text for i, text in remarks.items()},
        comment="Ik denk dat ik het gesprek goed heb afgerond; graag bespreken.",
        acting_user=users["agent_a1"],
    )
