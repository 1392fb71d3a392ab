import itertools

import pytest

from reviews.domain.errors import InvalidTransition, NotPermitted
from reviews.domain.transitions import (
    EVALUATION_TRANSITIONS,
    SCORECARD_VERSION_TRANSITIONS,
    EvaluationAction,
    EvaluationState,
    ScorecardVersionAction,
    ScorecardVersionState,
    evaluation_transition,
    scorecard_version_transition,
)

ROLES = ["agent", "supervisor", "qa_lead", "works_council", "admin"]

EVALUATION_ALLOWED = {
    (EvaluationState.DRAFT, EvaluationAction.EDIT, "supervisor"): EvaluationState.DRAFT,
    (EvaluationState.DRAFT, EvaluationAction.EDIT, "qa_lead"): EvaluationState.DRAFT,
    (EvaluationState.DRAFT, EvaluationAction.SUBMIT, "supervisor"): EvaluationState.SUBMITTED,
    (EvaluationState.DRAFT, EvaluationAction.SUBMIT, "qa_lead"): EvaluationState.SUBMITTED,
    (EvaluationState.SUBMITTED, EvaluationAction.ACKNOWLEDGE, "agent"): EvaluationState.ACKNOWLEDGED,
    (EvaluationState.SUBMITTED, EvaluationAction.APPEAL, "agent"): EvaluationState.APPEALED,
    (EvaluationState.ACKNOWLEDGED, EvaluationAction.APPEAL, "agent"): EvaluationState.APPEALED,
    # Closing an appeal: the agent withdraws, or the assignee (supervisor or QA lead) decides.
    (EvaluationState.APPEALED, EvaluationAction.CLOSE_APPEAL, "agent"): EvaluationState.FINAL,
    (EvaluationState.APPEALED, EvaluationAction.CLOSE_APPEAL, "supervisor"): EvaluationState.FINAL,
    (EvaluationState.APPEALED, EvaluationAction.CLOSE_APPEAL, "qa_lead"): EvaluationState.FINAL,
}


@pytest.mark.parametrize(("state", "action", "role"), list(itertools.product(EvaluationState, EvaluationAction, ROLES)))
def test_every_evaluation_transition_is_allowed_or_refused(state, action, role):
    key = (state, action, role)
    if key in EVALUATION_ALLOWED:
        assert evaluation_transition(state, action, role) is EVALUATION_ALLOWED[key]
        return
    state_allows_action = action in EVALUATION_TRANSITIONS[state]
    expected = NotPermitted if state_allows_action else InvalidTransition
    with pytest.raises(expected):
        evaluation_transition(state, action, role)


def test_a_submitted_evaluation_can_never_be_edited_again():
    for state in EvaluationState:
        if state is EvaluationState.DRAFT:
            continue
        for role in ROLES:
            with pytest.raises(InvalidTransition):
                evaluation_transition(state, EvaluationAction.EDIT, role)


SCORECARD_ALLOWED = {
    (ScorecardVersionState.DRAFT, ScorecardVersionAction.EDIT, "qa_lead"): ScorecardVersionState.DRAFT,
    (ScorecardVersionState.DRAFT, ScorecardVersionAction.PUBLISH, "qa_lead"): ScorecardVersionState.PUBLISHED,
    (ScorecardVersionState.PUBLISHED, ScorecardVersionAction.RETIRE, "qa_lead"): ScorecardVersionState.RETIRED,
}


@pytest.mark.parametrize(
    ("state", "action", "role"), list(itertools.product(ScorecardVersionState, ScorecardVersionAction, ROLES))
)
def test_every_scorecard_version_transition_is_allowed_or_refused(state, action, role):
    key = (state, action, role)
    if key in SCORECARD_ALLOWED:
        assert scorecard_version_transition(state, action, role) is SCORECARD_ALLOWED[key]
        return
    state_allows_action = action in SCORECARD_VERSION_TRANSITIONS[state]
    expected = NotPermitted if state_allows_action else InvalidTransition
    with pytest.raises(expected):
        scorecard_version_transition(state, action, role)


def test_the_refusal_names_the_object_and_its_state_and_carries_them_as_data():
    with pytest.raises(InvalidTransition, match="the scorecard version has the status “Published”") as refused:
        scorecard_version_transition(ScorecardVersionState.PUBLISHED, ScorecardVersionAction.EDIT, "qa_lead")
    assert refused.value.params == {"state": "published", "action": "edit"}


def test_a_refusal_names_each_state_as_the_pages_label_it():
    """The domain cannot import the models, so it keeps its own state labels: they must stay the models'."""
    from django.utils import translation

    from reviews.domain.transitions import STATE_LABELS
    from reviews.models import AlertStatus, AppealStatus, EvaluationStatus, RuleVersionStatus, ScorecardVersionStatus

    with translation.override("en"):
        for choices in (AlertStatus, AppealStatus, EvaluationStatus, RuleVersionStatus, ScorecardVersionStatus):
            for value, label in choices.choices:
                assert STATE_LABELS.get(value) == str(label), (choices.__name__, value)
