"""State machines as tables.

Each table maps a current status and an action to the next status, and says
which roles may perform the action. ``transition`` is the only way through.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from reviews.domain.errors import InvalidTransition, NotPermitted
from reviews.domain.texts import gettext_noop


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
    APPEAL = "appeal"
    CLOSE_APPEAL = "close_appeal"


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
        EvaluationAction.APPEAL: (EvaluationState.APPEALED, AGENT_ROLES),
    },
    EvaluationState.ACKNOWLEDGED: {
        EvaluationAction.APPEAL: (EvaluationState.APPEALED, AGENT_ROLES),
    },
    EvaluationState.APPEALED: {
        # Decided by the assignee, or withdrawn by the agent: either way the evaluation is final.
        EvaluationAction.CLOSE_APPEAL: (EvaluationState.FINAL, frozenset({"agent", "supervisor", "qa_lead"})),
    },
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


# How a refused step names the object and its state to a person (the same labels as the pages).
NOUNS = {
    "evaluation": gettext_noop("evaluation"),
    "scorecard version": gettext_noop("scorecard version"),
    "rule version": gettext_noop("rule version"),
    "screening list version": gettext_noop("screening list version"),
    "alert": gettext_noop("alert"),
    "appeal": gettext_noop("appeal"),
}
STATE_LABELS = {
    "draft": gettext_noop("Draft"),
    "submitted": gettext_noop("Submitted"),
    "acknowledged": gettext_noop("Acknowledged"),
    "appealed": gettext_noop("Appealed"),
    "final": gettext_noop("Final"),
    "published": gettext_noop("Published"),
    "retired": gettext_noop("Retired"),
    "proposed": gettext_noop("Proposed to the works council"),
    "consented": gettext_noop("Consented"),
    "refused": gettext_noop("Refused"),
    "active": gettext_noop("Active"),
    "nullified": gettext_noop("Nullified by the works council"),
    "open": gettext_noop("Open"),
    "confirmed": gettext_noop("Confirmed"),
    "dismissed": gettext_noop("Dismissed"),
    "retracted": gettext_noop("Retracted"),
    "quarantined": gettext_noop("Quarantined"),
    "in_review": gettext_noop("In review"),
    "upheld": gettext_noop("Upheld"),
    "overturned": gettext_noop("Overturned"),
    "partially_overturned": gettext_noop("Partially overturned"),
    "withdrawn": gettext_noop("Withdrawn"),
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
    thing = NOUNS.get(noun, noun)
    if action not in allowed:
        raise InvalidTransition(
            gettext_noop(
                "This step is not possible now: the %(noun)s has the status “%(state)s”.",
                noun=thing,
                state=STATE_LABELS.get(current.value, current.value),
            ),
            params={"state": current.value, "action": action.value},
        )
    next_state, roles = allowed[action]
    if actor_role not in roles:
        raise NotPermitted(
            gettext_noop("Your role may not take this step on a %(noun)s.", noun=thing),
            code="role_not_allowed",
            params={"action": action.value},
        )
    return next_state


def evaluation_transition(current: EvaluationState, action: EvaluationAction, actor_role: str) -> EvaluationState:
    """Next state of an evaluation; InvalidTransition for the state, NotPermitted for the role."""
    return _transition(EVALUATION_TRANSITIONS, current, action, actor_role, "evaluation")


def scorecard_version_transition(
    current: ScorecardVersionState, action: ScorecardVersionAction, actor_role: str
) -> ScorecardVersionState:
    """Next state of a scorecard version, or InvalidTransition. Published versions are immutable."""
    return _transition(SCORECARD_VERSION_TRANSITIONS, current, action, actor_role, "scorecard version")


class RuleVersionState(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    CONSENTED = "consented"
    REFUSED = "refused"
    ACTIVE = "active"
    RETIRED = "retired"
    # The works council invoked nullity: deactivated, its alerts quarantined.
    NULLIFIED = "nullified"


class RuleVersionAction(StrEnum):
    EDIT = "edit"
    PROPOSE = "propose"
    CONSENT = "consent"
    REFUSE = "refuse"
    ACTIVATE = "activate"
    RETIRE = "retire"
    NULLIFY = "nullify"


COUNCIL_ROLES = frozenset({"works_council"})

RULE_VERSION_TRANSITIONS: Mapping[
    RuleVersionState, Mapping[RuleVersionAction, tuple[RuleVersionState, frozenset[str]]]
] = {
    RuleVersionState.DRAFT: {
        RuleVersionAction.EDIT: (RuleVersionState.DRAFT, QA_LEAD_ROLES),
        RuleVersionAction.PROPOSE: (RuleVersionState.PROPOSED, QA_LEAD_ROLES),
    },
    RuleVersionState.PROPOSED: {
        RuleVersionAction.CONSENT: (RuleVersionState.CONSENTED, COUNCIL_ROLES),
        RuleVersionAction.REFUSE: (RuleVersionState.REFUSED, COUNCIL_ROLES),
    },
    RuleVersionState.CONSENTED: {
        RuleVersionAction.ACTIVATE: (RuleVersionState.ACTIVE, QA_LEAD_ROLES),
        RuleVersionAction.RETIRE: (RuleVersionState.RETIRED, QA_LEAD_ROLES),
        RuleVersionAction.NULLIFY: (RuleVersionState.NULLIFIED, COUNCIL_ROLES),
    },
    RuleVersionState.REFUSED: {},
    RuleVersionState.ACTIVE: {
        RuleVersionAction.RETIRE: (RuleVersionState.RETIRED, QA_LEAD_ROLES),
        RuleVersionAction.NULLIFY: (RuleVersionState.NULLIFIED, COUNCIL_ROLES),
    },
    RuleVersionState.RETIRED: {
        # Nullity can still be invoked afterwards, so the retired version's alerts are quarantined.
        RuleVersionAction.NULLIFY: (RuleVersionState.NULLIFIED, COUNCIL_ROLES),
    },
    RuleVersionState.NULLIFIED: {},
}


def rule_version_transition(current: RuleVersionState, action: RuleVersionAction, actor_role: str) -> RuleVersionState:
    """Next state of a threshold-rule version. Only a granted consent leads to activation."""
    return _transition(RULE_VERSION_TRANSITIONS, current, action, actor_role, "rule version")


def screening_version_transition(
    current: RuleVersionState, action: RuleVersionAction, actor_role: str
) -> RuleVersionState:
    """A screening list's version goes through the same consent lifecycle as a threshold rule's."""
    return _transition(RULE_VERSION_TRANSITIONS, current, action, actor_role, "screening list version")


class AlertState(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    RETRACTED = "retracted"
    QUARANTINED = "quarantined"


class AlertAction(StrEnum):
    CONFIRM = "confirm"
    DISMISS = "dismiss"
    RETRACT = "retract"
    QUARANTINE = "quarantine"


DECIDER_ROLES = frozenset({"supervisor", "qa_lead"})
SYSTEM_ROLES = frozenset({"system", "supervisor", "qa_lead", "works_council"})

ALERT_TRANSITIONS: Mapping[AlertState, Mapping[AlertAction, tuple[AlertState, frozenset[str]]]] = {
    AlertState.OPEN: {
        AlertAction.CONFIRM: (AlertState.CONFIRMED, DECIDER_ROLES),
        AlertAction.DISMISS: (AlertState.DISMISSED, DECIDER_ROLES),
        AlertAction.RETRACT: (AlertState.RETRACTED, SYSTEM_ROLES),
        AlertAction.QUARANTINE: (AlertState.QUARANTINED, COUNCIL_ROLES),
    },
    AlertState.CONFIRMED: {
        AlertAction.RETRACT: (AlertState.RETRACTED, SYSTEM_ROLES),
        AlertAction.QUARANTINE: (AlertState.QUARANTINED, COUNCIL_ROLES),
    },
    AlertState.DISMISSED: {
        AlertAction.QUARANTINE: (AlertState.QUARANTINED, COUNCIL_ROLES),
    },
    AlertState.RETRACTED: {},
    AlertState.QUARANTINED: {},
}


def alert_transition(current: AlertState, action: AlertAction, actor_role: str) -> AlertState:
    """Next state of an alert. Humans confirm or dismiss; nothing is decided by the batch."""
    return _transition(ALERT_TRANSITIONS, current, action, actor_role, "alert")


class AppealState(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    PARTIALLY_OVERTURNED = "partially_overturned"
    WITHDRAWN = "withdrawn"


class AppealAction(StrEnum):
    ASSIGN = "assign"
    START_REVIEW = "start_review"
    DECIDE = "decide"
    WITHDRAW = "withdraw"


APPEAL_DECIDED = frozenset({AppealState.UPHELD, AppealState.OVERTURNED, AppealState.PARTIALLY_OVERTURNED})

# DECIDE leads to one of the three outcomes; the table names the state it leaves from.
APPEAL_TRANSITIONS: Mapping[AppealState, Mapping[AppealAction, tuple[AppealState, frozenset[str]]]] = {
    AppealState.SUBMITTED: {
        AppealAction.ASSIGN: (AppealState.SUBMITTED, QA_LEAD_ROLES),
        AppealAction.START_REVIEW: (AppealState.IN_REVIEW, DECIDER_ROLES),
        AppealAction.WITHDRAW: (AppealState.WITHDRAWN, AGENT_ROLES),
    },
    AppealState.IN_REVIEW: {
        AppealAction.ASSIGN: (AppealState.SUBMITTED, QA_LEAD_ROLES),
        AppealAction.DECIDE: (AppealState.IN_REVIEW, DECIDER_ROLES),
        AppealAction.WITHDRAW: (AppealState.WITHDRAWN, AGENT_ROLES),
    },
    AppealState.UPHELD: {},
    AppealState.OVERTURNED: {},
    AppealState.PARTIALLY_OVERTURNED: {},
    AppealState.WITHDRAWN: {},
}


def appeal_transition(current: AppealState, action: AppealAction, actor_role: str) -> AppealState:
    """Next state of an appeal. DECIDE returns IN_REVIEW; ``appeal_outcome`` names the decided state."""
    return _transition(APPEAL_TRANSITIONS, current, action, actor_role, "appeal")
