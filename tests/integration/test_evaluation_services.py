from decimal import Decimal

import pytest

from reviews.domain.errors import Conflict, DomainError, InvalidTransition, NotPermitted
from reviews.models import AuditEvent, CriticalErrorType, EvaluationStatus, RootCause, ScorecardVersion
from reviews.services.critical_errors import critical_error_log, critical_error_remove
from reviews.services.evaluations import (
    AnswerInput,
    evaluation_acknowledge,
    evaluation_answers_save,
    evaluation_create,
    evaluation_submit,
)
from reviews.services.scorecards import scorecard_version_update
from tests.conftest import criteria_of
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def events(action):
    return list(AuditEvent.objects.filter(action=action))


def full_answers(version, points=(2, 3, None)):
    return [
        AnswerInput(criterion_id=c.pk, points=p, not_applicable=p is None)
        for c, p in zip(criteria_of(version), points, strict=True)
    ]


def unreported_signal():
    return CriticalErrorType.objects.get(code="UNREPORTED_SIGNAL")


def knowledge_gap():
    return RootCause.objects.get(code="KNOWLEDGE_GAP", is_active=True)


def test_a_supervisor_scores_a_call_end_to_end_and_every_step_is_audited(world, published_version, call):
    evaluation = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    evaluation_answers_save(
        evaluation=evaluation, answers=full_answers(published_version), acting_user=world.supervisor
    )
    error = critical_error_log(
        evaluation=evaluation,
        error_type=unreported_signal(),
        offset_seconds=95,
        note="Beller noemde inkomsten uit klussen.",
        root_cause=knowledge_gap(),
        acting_user=world.supervisor,
    )
    submitted = evaluation_submit(evaluation=evaluation, acting_user=world.supervisor)

    assert submitted.status == EvaluationStatus.SUBMITTED
    assert submitted.score == Decimal("83.3")  # 5 of 6 applicable points; the error is tracked beside it
    assert error.observed_at == call.started_at
    for action in [
        "reviews.evaluation.created",
        "reviews.evaluation.answers_saved",
        "reviews.critical_error.logged",
        "reviews.evaluation.submitted",
    ]:
        (event,) = events(action)
        assert event.actor == world.supervisor
        assert event.subject == world.agent
    submitted_event = events("reviews.evaluation.submitted")[0]
    assert submitted_event.data["score"] == "83.3"
    assert submitted_event.data["critical_errors"] == [["UNREPORTED_SIGNAL", 95]]

    acknowledged = evaluation_acknowledge(evaluation=submitted, acting_user=world.agent)
    assert acknowledged.status == EvaluationStatus.ACKNOWLEDGED
    assert acknowledged.acknowledged_at is not None
    assert events("reviews.evaluation.acknowledged")[0].actor == world.agent


def test_the_zero_policy_auto_fails_an_evaluation_with_an_active_critical_error(world, published_version, call):
    draft = ScorecardVersion.objects.get(pk=published_version.pk)
    assert draft.critical_policy == "separate"
    from reviews.services.scorecards import scorecard_version_create_draft, scorecard_version_publish

    new = scorecard_version_create_draft(scorecard=published_version.scorecard, acting_user=world.qa_lead)
    scorecard_version_update(version=new, critical_policy="zero", acting_user=world.qa_lead)
    zero_version = scorecard_version_publish(version=new, acting_user=world.qa_lead)

    evaluation = evaluation_create(call=call, scorecard_version=zero_version, acting_user=world.supervisor)
    evaluation_answers_save(
        evaluation=evaluation, answers=full_answers(zero_version, (2, 4, 2)), acting_user=world.supervisor
    )
    critical_error_log(
        evaluation=evaluation,
        error_type=unreported_signal(),
        offset_seconds=10,
        note="x",
        root_cause=knowledge_gap(),
        acting_user=world.supervisor,
    )
    submitted = evaluation_submit(evaluation=evaluation, acting_user=world.supervisor)
    assert (submitted.score, submitted.auto_failed) == (Decimal("0.0"), True)


def test_nobody_evaluates_their_own_call(world, published_version):
    # A supervisor who also takes calls (telephony attributes the call to them).
    own_call = CallFactory.create(agent=world.supervisor)
    with pytest.raises(NotPermitted, match="eigen gesprek"):
        evaluation_create(call=own_call, scorecard_version=published_version, acting_user=world.supervisor)


def test_agents_do_not_evaluate(world, published_version, call):
    with pytest.raises(NotPermitted):
        evaluation_create(call=call, scorecard_version=published_version, acting_user=world.colleague)


def test_a_reviewer_evaluates_a_call_only_once(world, published_version, call):
    evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    with pytest.raises(Conflict) as excinfo:
        evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    assert excinfo.value.code == "already_evaluated"


def test_only_published_versions_can_be_used(world, published_version, call):
    from reviews.services.scorecards import scorecard_version_create_draft

    draft = scorecard_version_create_draft(scorecard=published_version.scorecard, acting_user=world.qa_lead)
    with pytest.raises(DomainError, match="gepubliceerde formulierversie"):
        evaluation_create(call=call, scorecard_version=draft, acting_user=world.supervisor)


def test_invalid_answers_are_refused_whole_with_a_reason_per_answer(world, published_version, call):
    evaluation = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    identity, info, _signal = criteria_of(published_version)
    with pytest.raises(DomainError) as excinfo:
        evaluation_answers_save(
            evaluation=evaluation,
            answers=[
                AnswerInput(criterion_id=identity.pk, points=3),  # above max
                AnswerInput(criterion_id=info.pk, points=None, not_applicable=True),  # N/A not allowed
                AnswerInput(criterion_id=999_999, points=1),  # another scorecard
            ],
            acting_user=world.supervisor,
        )
    assert set(excinfo.value.fields) == {"answers.0", "answers.1", "answers.2"}
    assert evaluation.answers.count() == 0  # nothing half-saved
    assert not events("reviews.evaluation.answers_saved")


def test_submit_names_the_unanswered_criteria(world, published_version, call):
    evaluation = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    identity, info, signal = criteria_of(published_version)
    evaluation_answers_save(
        evaluation=evaluation, answers=[AnswerInput(criterion_id=identity.pk, points=2)], acting_user=world.supervisor
    )
    with pytest.raises(DomainError) as excinfo:
        evaluation_submit(evaluation=evaluation, acting_user=world.supervisor)
    assert excinfo.value.code == "unanswered_criteria"
    assert set(excinfo.value.fields) == {f"criterion:{info.pk}", f"criterion:{signal.pk}"}
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT


def test_a_submitted_evaluation_cannot_be_changed_in_place(world, published_version, call):
    evaluation = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    evaluation_answers_save(
        evaluation=evaluation, answers=full_answers(published_version), acting_user=world.supervisor
    )
    error = critical_error_log(
        evaluation=evaluation,
        error_type=unreported_signal(),
        offset_seconds=1,
        note="n",
        root_cause=knowledge_gap(),
        acting_user=world.supervisor,
    )
    evaluation_submit(evaluation=evaluation, acting_user=world.supervisor)

    with pytest.raises(InvalidTransition):
        evaluation_answers_save(
            evaluation=evaluation, answers=full_answers(published_version), acting_user=world.supervisor
        )
    with pytest.raises(InvalidTransition):
        critical_error_log(
            evaluation=evaluation,
            error_type=unreported_signal(),
            offset_seconds=2,
            note="n",
            root_cause=knowledge_gap(),
            acting_user=world.supervisor,
        )
    with pytest.raises(InvalidTransition):
        critical_error_remove(critical_error=error, acting_user=world.supervisor)
    with pytest.raises(InvalidTransition):
        evaluation_submit(evaluation=evaluation, acting_user=world.supervisor)


def test_only_the_reviewer_changes_a_draft(world, published_version, call):
    evaluation = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    with pytest.raises(NotPermitted):
        evaluation_answers_save(
            evaluation=evaluation, answers=full_answers(published_version), acting_user=world.qa_lead
        )


def test_a_critical_error_must_lie_within_the_call(world, published_version, call):
    evaluation = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    with pytest.raises(DomainError) as excinfo:
        critical_error_log(
            evaluation=evaluation,
            error_type=unreported_signal(),
            offset_seconds=361,
            note=" ",
            root_cause=knowledge_gap(),
            acting_user=world.supervisor,
        )
    assert set(excinfo.value.fields) == {"offset_seconds", "note"}


def test_removing_a_critical_error_from_a_draft_is_audited(world, published_version, call):
    evaluation = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    error = critical_error_log(
        evaluation=evaluation,
        error_type=unreported_signal(),
        offset_seconds=5,
        note="n",
        root_cause=knowledge_gap(),
        acting_user=world.supervisor,
    )
    critical_error_remove(critical_error=error, acting_user=world.supervisor)
    assert evaluation.critical_errors.count() == 0
    assert events("reviews.critical_error.removed")[0].data["type"] == "UNREPORTED_SIGNAL"


def test_only_the_agent_of_the_call_acknowledges(world, published_version, call):
    evaluation = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    evaluation_answers_save(
        evaluation=evaluation, answers=full_answers(published_version), acting_user=world.supervisor
    )
    evaluation_submit(evaluation=evaluation, acting_user=world.supervisor)
    with pytest.raises(NotPermitted):
        evaluation_acknowledge(evaluation=evaluation, acting_user=world.colleague)
    evaluation_acknowledge(evaluation=evaluation, acting_user=world.agent)
    with pytest.raises(InvalidTransition):
        evaluation_acknowledge(evaluation=evaluation, acting_user=world.agent)
