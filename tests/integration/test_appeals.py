import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from reviews.domain.errors import Conflict, DomainError, InvalidTransition, NotPermitted
from reviews.models import Alert, AuditEvent, CriticalError, Evaluation, Notification
from reviews.services.appeal_decisions import ItemDecision, appeal_decide
from reviews.services.appeals import (
    appeal_assign,
    appeal_start_review,
    appeal_submit,
    appeal_withdraw,
)
from tests.conftest import criteria_of
from tests.helpers import active_rule, assignee_of, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db

REASON = "De beller noemde geen inkomsten; luister seconde 10 terug."
RATIONALE = "Opname teruggeluisterd; er werd geen signaal genoemd."


def decide_all(appeal, decider, overturn, corrections=None):
    corrections = corrections or {}
    return appeal_decide(
        appeal=appeal,
        decisions=[
            ItemDecision(
                item_id=item.pk, overturned=overturn(item), rationale="Beoordeeld.", **corrections.get(item.pk, {})
            )
            for item in appeal.items.all()
        ],
        rationale=RATIONALE,
        acting_user=decider,
    )


@pytest.fixture
def evaluation(world, published_version):
    return scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=2),
    )


def test_an_appeal_is_assigned_to_the_least_loaded_independent_person_in_another_team(world, evaluation):
    appeal = appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)
    # Not sam (reviewer, same team); sara (other team) and quinn (QA lead, no team) are eligible: sara has the lower id.
    assert appeal.assignee == world.other_supervisor
    assert appeal.deadline.weekday() < 5
    evaluation.refresh_from_db()
    assert evaluation.status == "appealed"
    assert appeal.items.count() == 1 + 3  # its critical error and every answer
    assert Notification.objects.filter(recipient=world.other_supervisor, kind="appeal_assigned").exists()


def test_the_reason_must_say_something_and_items_must_belong_to_the_evaluation(world, evaluation):
    with pytest.raises(DomainError) as excinfo:
        appeal_submit(evaluation=evaluation, reason="oneens", critical_error_ids=[999_999], acting_user=world.agent)
    assert set(excinfo.value.fields) == {"reason", "critical_errors"}


def test_only_the_agent_appeals_and_only_once_at_a_time(world, evaluation):
    with pytest.raises(NotPermitted):
        appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.colleague)
    appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)
    with pytest.raises(InvalidTransition):
        appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)


def test_an_appeal_after_the_window_is_refused_with_a_clear_message(world, evaluation):
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)), pytest.raises(DomainError) as excinfo:
        appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)
    assert excinfo.value.code == "appeal_window_closed"
    assert "De bezwaartermijn sloot 14 dagen nadat de beoordeling aan u werd getoond" in excinfo.value.message
    with (
        translation.override("en"),
        time_machine.travel(timezone.now() + dt.timedelta(days=15)),
        pytest.raises(DomainError, match="14 days after the evaluation was shown to you"),
    ):
        appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)


def test_the_original_reviewer_cannot_decide_even_if_assigned(world, evaluation):
    appeal = appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)
    with pytest.raises(DomainError):
        appeal_assign(appeal=appeal, assignee=world.supervisor, acting_user=world.qa_lead)
    with pytest.raises(NotPermitted):
        appeal_start_review(appeal=appeal, acting_user=world.supervisor)


def test_overturning_the_error_that_crossed_the_threshold_retracts_the_alert_and_tells_the_agent(
    world, published_version
):
    start = timezone.now() - dt.timedelta(days=40)
    active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=2, window_days=90)
    first = scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=20),
    )
    second = scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=1),
    )
    run_scoring_inline()
    alert = Alert.objects.get()
    assert alert.status == "open"

    error = second.critical_errors.get()
    appeal = appeal_submit(evaluation=second, reason=REASON, critical_error_ids=[error.pk], acting_user=world.agent)
    appeal_start_review(appeal=appeal, acting_user=assignee_of(appeal))
    decided = decide_all(appeal, appeal.assignee, overturn=lambda item: True)

    assert decided.status == "overturned"
    error.refresh_from_db()
    alert.refresh_from_db()
    assert error.status == "overturned"
    assert alert.status == "retracted"
    assert "1 of the counted critical errors remain; the rule needs 2" in alert.retraction_reason
    notice = Notification.objects.get(recipient=world.agent, kind="alert_retracted")
    assert (notice.params["remaining"], notice.params["needed"]) == (1, 2)
    # Stored as what it is made of, told in the reader's language when shown.
    with translation.override("nl"):
        assert "is ingetrokken: na een bezwaar blijven 1 van de getelde kritieke fouten over" in notice.text
        assert "de regel vraagt er 2" in alert.retraction_text
    with translation.override("en"):
        assert "was retracted: after an appeal, 1 of the counted critical errors remain" in notice.text
    assert AuditEvent.objects.filter(action="reviews.alert.retracted", subject=world.agent).count() == 1
    # The surviving error alone no longer fires the rule, and nothing reopens.
    run_scoring_inline()
    assert not Alert.objects.filter(status="open").exists()
    assert first.critical_errors.get().status == "active"


def test_a_partial_outcome_makes_a_new_revision_with_a_recomputed_score_and_keeps_the_old(world, evaluation):
    identity, info, _signal = criteria_of(evaluation.scorecard_version)
    appeal = appeal_submit(
        evaluation=evaluation, reason=REASON, criterion_ids=[identity.pk, info.pk], acting_user=world.agent
    )
    appeal_start_review(appeal=appeal, acting_user=assignee_of(appeal))
    identity_item = appeal.items.get(criterion=identity)
    decided = decide_all(
        appeal,
        appeal.assignee,
        overturn=lambda item: item.pk == identity_item.pk,
        corrections={identity_item.pk: {"corrected_points": 2}},
    )
    assert decided.status == "partially_overturned"
    original = Evaluation.objects.get(pk=evaluation.pk)
    revision = decided.resulting_revision
    assert original.superseded_at is not None and original.status == "final"
    assert original.score == Decimal("37.5")  # untouched: 1 + 1 + 1 of 8
    assert (revision.revision, revision.previous_revision_id, revision.status) == (2, original.pk, "final")
    assert revision.score == Decimal("50.0")  # 2 + 1 + 1 of 8
    assert revision.answers.get(criterion=identity).points == 2
    assert "Appeal" in revision.revision_reason
    assert AuditEvent.objects.filter(action="reviews.evaluation.revised", object_id=str(revision.pk)).exists()
    # The critical error stays with the evaluation it was logged in, still active (not appealed here).
    assert CriticalError.objects.get(evaluation=original).status == "active"


def test_an_overturned_answer_needs_a_valid_correction(world, evaluation):
    identity = criteria_of(evaluation.scorecard_version)[0]
    appeal = appeal_submit(evaluation=evaluation, reason=REASON, criterion_ids=[identity.pk], acting_user=world.agent)
    appeal_start_review(appeal=appeal, acting_user=assignee_of(appeal))
    with pytest.raises(DomainError) as excinfo:
        decide_all(
            appeal,
            appeal.assignee,
            overturn=lambda item: True,
            corrections={appeal.items.get().pk: {"corrected_points": 5}},
        )
    assert "At most 2 points" in next(iter(excinfo.value.fields.values()))[0]


def test_every_item_needs_a_decision(world, evaluation):
    appeal = appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)
    appeal_start_review(appeal=appeal, acting_user=assignee_of(appeal))
    with pytest.raises(DomainError) as excinfo:
        appeal_decide(appeal=appeal, decisions=[], rationale=RATIONALE, acting_user=assignee_of(appeal))
    assert "Decide every item" in excinfo.value.fields["items"][0]


def test_upholding_everything_changes_no_score_and_makes_no_revision(world, evaluation):
    appeal = appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)
    appeal_start_review(appeal=appeal, acting_user=assignee_of(appeal))
    decided = decide_all(appeal, appeal.assignee, overturn=lambda item: False)
    assert (decided.status, decided.resulting_revision) == ("upheld", None)
    assert Evaluation.objects.count() == 1
    with pytest.raises(InvalidTransition):
        decide_all(decided, decided.assignee, overturn=lambda item: True)


def test_withdrawing_leaves_the_evaluation_final(world, evaluation):
    appeal = appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)
    appeal_withdraw(appeal=appeal, acting_user=world.agent)
    evaluation.refresh_from_db()
    assert evaluation.status == "final"
    with pytest.raises(InvalidTransition):
        appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)


def test_a_decided_appeal_cannot_be_decided_again(world, evaluation):
    appeal = appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)
    appeal_start_review(appeal=appeal, acting_user=assignee_of(appeal))
    decide_all(appeal, appeal.assignee, overturn=lambda item: False)
    with pytest.raises((InvalidTransition, Conflict)):
        decide_all(appeal, appeal.assignee, overturn=lambda item: True)


def test_closing_an_appeal_records_the_evaluation_becoming_final(world, evaluation):
    from reviews.models import AuditEvent

    appeal = appeal_submit(evaluation=evaluation, reason=REASON, whole_evaluation=True, acting_user=world.agent)
    appeal_withdraw(appeal=appeal, acting_user=world.agent)
    event = AuditEvent.objects.get(action="reviews.evaluation.finalized", object_id=str(evaluation.pk))
    assert (event.actor, event.subject, event.data) == (world.agent, world.agent, {"previous_status": "appealed"})
