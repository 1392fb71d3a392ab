import itertools

import pytest

from reviews.domain.errors import InvalidTransition, NotPermitted
from reviews.domain.transitions import (
    ALERT_TRANSITIONS,
    RULE_VERSION_TRANSITIONS,
    AlertAction,
    AlertState,
    RuleVersionAction,
    RuleVersionState,
    alert_transition,
    rule_version_transition,
)

ROLES = ["agent", "supervisor", "qa_lead", "works_council", "admin", "system"]
S, A = RuleVersionState, RuleVersionAction

RULE_ALLOWED = {
    (S.DRAFT, A.EDIT, "qa_lead"): S.DRAFT,
    (S.DRAFT, A.PROPOSE, "qa_lead"): S.PROPOSED,
    (S.PROPOSED, A.CONSENT, "works_council"): S.CONSENTED,
    (S.PROPOSED, A.REFUSE, "works_council"): S.REFUSED,
    (S.CONSENTED, A.ACTIVATE, "qa_lead"): S.ACTIVE,
    (S.CONSENTED, A.RETIRE, "qa_lead"): S.RETIRED,
    (S.CONSENTED, A.NULLIFY, "works_council"): S.NULLIFIED,
    (S.ACTIVE, A.RETIRE, "qa_lead"): S.RETIRED,
    (S.ACTIVE, A.NULLIFY, "works_council"): S.NULLIFIED,
    (S.RETIRED, A.NULLIFY, "works_council"): S.NULLIFIED,
}


@pytest.mark.parametrize(("state", "action", "role"), list(itertools.product(S, A, ROLES)))
def test_every_rule_version_transition_is_allowed_or_refused(state, action, role):
    key = (state, action, role)
    if key in RULE_ALLOWED:
        assert rule_version_transition(state, action, role) is RULE_ALLOWED[key]
        return
    expected = NotPermitted if action in RULE_VERSION_TRANSITIONS[state] else InvalidTransition
    with pytest.raises(expected):
        rule_version_transition(state, action, role)


def test_activation_is_reachable_only_through_consent():
    # The only way into ACTIVE starts from CONSENTED, and only the works council leads into CONSENTED.
    into_active = [(s, a) for s, row in RULE_VERSION_TRANSITIONS.items() for a, (n, _) in row.items() if n is S.ACTIVE]
    assert into_active == [(S.CONSENTED, A.ACTIVATE)]
    into_consented = [
        roles for row in RULE_VERSION_TRANSITIONS.values() for _, (n, roles) in row.items() if n is S.CONSENTED
    ]
    assert into_consented == [frozenset({"works_council"})]


AL, AA = AlertState, AlertAction
ALERT_ALLOWED = {
    **{(AL.OPEN, AA.CONFIRM, r): AL.CONFIRMED for r in ("supervisor", "qa_lead")},
    **{(AL.OPEN, AA.DISMISS, r): AL.DISMISSED for r in ("supervisor", "qa_lead")},
    **{(AL.OPEN, AA.RETRACT, r): AL.RETRACTED for r in ("system", "supervisor", "qa_lead", "works_council")},
    **{(AL.CONFIRMED, AA.RETRACT, r): AL.RETRACTED for r in ("system", "supervisor", "qa_lead", "works_council")},
    (AL.OPEN, AA.QUARANTINE, "works_council"): AL.QUARANTINED,
    (AL.CONFIRMED, AA.QUARANTINE, "works_council"): AL.QUARANTINED,
    (AL.DISMISSED, AA.QUARANTINE, "works_council"): AL.QUARANTINED,
}


@pytest.mark.parametrize(("state", "action", "role"), list(itertools.product(AL, AA, ROLES)))
def test_every_alert_transition_is_allowed_or_refused(state, action, role):
    key = (state, action, role)
    if key in ALERT_ALLOWED:
        assert alert_transition(state, action, role) is ALERT_ALLOWED[key]
        return
    expected = NotPermitted if action in ALERT_TRANSITIONS[state] else InvalidTransition
    with pytest.raises(expected):
        alert_transition(state, action, role)


def test_the_batch_can_never_decide_an_alert():
    for action in (AA.CONFIRM, AA.DISMISS):
        with pytest.raises(NotPermitted):
            alert_transition(AL.OPEN, action, "system")
