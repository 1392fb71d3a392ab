"""A second pair of eyes: a rule that requires confirmation counts an error only once a second reviewer,
blind to the first judgment, confirmed it, or a QA lead upheld it after a disagreement."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.models import Alert, AuditAction, AuditEvent, ConfirmationStatus, ConfirmationTask, ScoringRun
from reviews.selectors.consistency import reviewer_consistency
from reviews.services.confirmations import confirmation_answer, confirmation_decide
from tests.conftest import client_for, wait_for
from tests.factories import TeamFactory, UserFactory
from tests.helpers import active_rule, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def midday():
    """These tests compare dates ("tomorrow", "due in 5 days"): at a fixed midday no run crosses midnight."""
    with time_machine.travel(dt.datetime(2026, 11, 16, 11, 0, tzinfo=dt.UTC), tick=True):
        yield


def errors_for(world, published_version, days=(10, 5)):
    """alice's evaluations by her supervisor, one critical error each."""
    now = timezone.now()
    return [
        scored_call(
            reviewer=world.supervisor,
            agent=world.agent,
            version=published_version,
            started_at=now - dt.timedelta(days=d),
        ).critical_errors.get()
        for d in days
    ]


def test_the_second_reviewer_is_neither_reviewer_nor_agent_nor_of_the_agents_team(world, published_version):
    active_rule(qa_lead=world.qa_lead, council=world.council, n=2, requires_confirmation=True)
    extra = UserFactory.create(username="sven", role=Role.SUPERVISOR, team=TeamFactory.create(name="Team C"))
    errors = errors_for(world, published_version, days=(3, 2, 1))
    tasks = list(ConfirmationTask.objects.order_by("pk"))
    assert [t.critical_error_id for t in tasks] == [e.pk for e in errors]
    # sam (alice's supervisor, who logged them) and team A never; sara and sven share the load.
    assert {t.assignee_id for t in tasks} <= {world.other_supervisor.pk, extra.pk}
    loads = sorted(sum(t.assignee_id == who.pk for t in tasks) for who in (world.other_supervisor, extra))
    assert loads == [1, 2]
    assert all(t.due_on == timezone.localdate() + dt.timedelta(days=5) for t in tasks)
    event = AuditEvent.objects.filter(action=AuditAction.CONFIRMATION_ASSIGNED).first()
    assert event is not None and event.subject_id == world.agent.pk


def test_no_task_without_a_rule_that_requires_it(world, published_version):
    active_rule(qa_lead=world.qa_lead, council=world.council, n=2)
    errors_for(world, published_version)
    assert not ConfirmationTask.objects.exists()


def test_the_second_reviewer_does_not_see_the_first_judgment(world, published_version):
    active_rule(qa_lead=world.qa_lead, council=world.council, n=2, requires_confirmation=True)
    (error,) = errors_for(world, published_version, days=(2,))
    task = ConfirmationTask.objects.get()
    second = client_for(task.assignee)
    body = second.get(f"/api/v1/confirmation-tasks/{task.pk}/").json()
    assert body["error_type"] == "UNREPORTED_SIGNAL" and body["offset_seconds"] == error.offset_seconds
    assert not {"first_note", "first_reviewer", "root_cause"} & set(body)
    assert error.note not in str(body)
    second.force_login(task.assignee)
    page = second.get(f"/confirmations/{task.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Uw oordeel" in page and error.note not in page
    # Another supervisor, not asked, does not see the task at all.
    assert client_for(world.supervisor).get(f"/api/v1/confirmation-tasks/{task.pk}/").status_code == 404


def test_agreement_confirms_and_disagreement_goes_to_a_qa_lead(world, published_version):
    active_rule(qa_lead=world.qa_lead, council=world.council, n=2, requires_confirmation=True)
    first, second = errors_for(world, published_version)
    agree, disagree = ConfirmationTask.objects.order_by("pk")
    with pytest.raises(NotPermitted):
        confirmation_answer(task=agree, found=True, note="", acting_user=world.qa_lead)
    confirmation_answer(task=agree, found=True, note="Duidelijk te horen.", acting_user=agree.assignee)
    first.refresh_from_db()
    assert first.confirmed_at is not None
    with pytest.raises(Conflict):
        confirmation_answer(task=agree, found=False, note="", acting_user=agree.assignee)
    disputed = confirmation_answer(task=disagree, found=False, note="Ik hoor het niet.", acting_user=disagree.assignee)
    assert disputed.status == ConfirmationStatus.DISPUTED
    second.refresh_from_db()
    assert second.confirmed_at is None
    with pytest.raises(NotPermitted):  # the reviewer who logged it may not decide
        confirmation_decide(task=disputed, confirmed=True, rationale="x" * 30, acting_user=world.supervisor)
    with pytest.raises(DomainError):
        confirmation_decide(task=disputed, confirmed=False, rationale="kort", acting_user=world.qa_lead)
    decided = confirmation_decide(
        task=disputed,
        confirmed=False,
        rationale="Op de opname noemt de beller geen inkomsten; de fout staat niet.",
        acting_user=world.qa_lead,
    )
    assert decided.status == ConfirmationStatus.REJECTED
    second.refresh_from_db()
    assert second.confirmed_at is None
    # The agreement feeds the first reviewer's consistency.
    sam = next(
        r
        for r in reviewer_consistency(start=timezone.now() - dt.timedelta(days=1), end=timezone.now())
        if r.reviewer.pk == world.supervisor.pk
    )
    assert (sam.second_opinions, sam.second_opinions_agreed, sam.agreement_rate) == (2, 1, 0.5)
    # The agent sees where each error stands.
    errors = client_for(world.agent).get("/api/v1/me/overview/").json()["critical_errors"]
    assert sorted(e["confirmation"] for e in errors) == ["confirmed", "rejected"]


def test_a_rule_requiring_confirmation_opens_nothing_until_errors_are_confirmed_through_the_real_worker(
    celery_worker, world, published_version
):
    now = timezone.now()
    active_rule(
        qa_lead=world.qa_lead, council=world.council, n=2, at=now - dt.timedelta(days=30), requires_confirmation=True
    )
    errors_for(world, published_version)
    qa_lead = client_for(world.qa_lead)

    def run() -> ScoringRun:
        response = qa_lead.post("/api/v1/scoring-runs/", {"full": True}, format="json")
        assert response.status_code == 201, response.content
        finished = wait_for(
            lambda: ScoringRun.objects.filter(pk=response.json()["id"], status__in=["succeeded", "failed"]).first(),
            what="the scoring run",
        )
        assert finished.status == "succeeded", finished.error
        return finished

    assert run().alerts_opened == 0  # two errors, neither confirmed
    first, second = ConfirmationTask.objects.order_by("pk")
    answered = client_for(first.assignee).post(
        f"/api/v1/confirmation-tasks/{first.pk}/answer/", {"found": True}, format="json"
    )
    assert answered.status_code == 200, answered.content
    confirmation_answer(task=second, found=False, note="Niet te horen.", acting_user=second.assignee)
    assert run().alerts_opened == 0  # one confirmed, one disputed: a disputed error does not count
    decided = qa_lead.post(
        f"/api/v1/confirmation-tasks/{second.pk}/decide/",
        {"confirmed": True, "rationale": "Op 0:11 noemt de beller bijverdiensten; de fout staat."},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    assert run().alerts_opened == 1
    alert = Alert.objects.get()
    assert set(alert.evidence.values_list("confirmed_at", flat=True)) != {None}


def test_a_disagreement_decided_against_the_error_never_counts(world, published_version):
    now = timezone.now()
    active_rule(
        qa_lead=world.qa_lead, council=world.council, n=1, at=now - dt.timedelta(days=30), requires_confirmation=True
    )
    errors_for(world, published_version, days=(4,))
    task = ConfirmationTask.objects.get()
    confirmation_answer(task=task, found=False, note="", acting_user=task.assignee)
    confirmation_decide(
        task=task,
        confirmed=False,
        rationale="De beller noemde niets wat gemeld moest worden.",
        acting_user=world.qa_lead,
    )
    assert run_scoring_inline(full=True).alerts_opened == 0
    assert not Alert.objects.exists()
