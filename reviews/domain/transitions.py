"""State machines as tables.

Each table maps a current status and an action to the next status, and says
which roles may perform the action. ``transition`` is the only way through.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from reviews.domain.errors import InvalidTransition, NotPermitted


class EvaluationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    APPEALED = "appealed"
    FINAL = "final"


class EvaluationAction(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    ACKNOWLEDGE = "acknowledge"


REVIEWER_ROLES = frozenset({"supervisor", "qa_lead"})
AGENT_ROLES = frozenset({"agent"})

# (next state, roles allowed)
EVALUATION_TRANSITIONS: Mapping[EvaluationState, Mapping[EvaluationAction, tuple[EvaluationState, frozenset[str]]]] = {
    EvaluationState.DRAFT: {
        EvaluationAction.EDIT: (EvaluationState.DRAFT, REVIEWER_ROLES),
        EvaluationAction.SUBMIT: (EvaluationState.SUBMITTED, REVIEWER_ROLES),
    },
    EvaluationState.SUBMITTED: {
        # Acknowledging records that the agent saw the evaluation, never that they agree.
        EvaluationAction.ACKNOWLEDGE: (EvaluationState.ACKNOWLEDGED, AGENT_ROLES),
    },
    EvaluationState.ACKNOWLEDGED: {},
    EvaluationState.APPEALED: {},
    EvaluationState.FINAL: {},
}


class ScorecardVersionState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class ScorecardVersionAction(StrEnum):
    EDIT = "edit"
    PUBLISH = "publish"
    RETIRE = "retire"


QA_LEAD_ROLES = frozenset({"qa_lead"})

SCORECARD_VERSION_TRANSITIONS: Mapping[
    ScorecardVersionState, Mapping[ScorecardVersionAction, tuple[ScorecardVersionState, frozenset[str]]]
] = {
    ScorecardVersionState.DRAFT: {
        ScorecardVersionAction.EDIT: (ScorecardVersionState.DRAFT, QA_LEAD_ROLES),
        ScorecardVersionAction.PUBLISH: (ScorecardVersionState.PUBLISHED, QA_LEAD_ROLES),
    },
    ScorecardVersionState.PUBLISHED: {
        ScorecardVersionAction.RETIRE: (ScorecardVersionState.RETIRED, QA_LEAD_ROLES),
    },
    ScorecardVersionState.RETIRED: {},
}


S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


def _transition(
    table: Mapping[S, Mapping[A, tuple[S, frozenset[str]]]],
    current: S,
    action: A,
    actor_role: str,
    noun: str,
) -> S:
    allowed = table.get(current, {})
    if action not in allowed:
        raise InvalidTransition(f"Cannot {action.value} a {noun} that is {current.value}.")
    next_state, roles = allowed[action]
    if actor_role not in roles:
        raise NotPermitted(f"The role {actor_role} cannot {action.value} a {noun}.", code="role_not_allowed")
    return next_state


def evaluation_transition(current: EvaluationState, action: EvaluationAction, actor_role: str) -> EvaluationState:
    """Next state of an evaluation; InvalidTransition for the state, NotPermitted for the role."""
    return _transition(EVALUATION_TRANSITIONS, current, action, actor_role, "evaluation")


def scorecard_version_transition(
    current: ScorecardVersionState, action: ScorecardVersionAction, actor_role: str
) -> ScorecardVersionState:
    """Next state of a scorecard version, or InvalidTransition. Published versions are immutable."""
    return _transition(SCORECARD_VERSION_TRANSITIONS, current, action, actor_role, "scorecard version")
