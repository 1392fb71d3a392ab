import pytest
from django.core.management import call_command

from accounts.models import User
from reviews.models import AuditEvent, Call, CriticalError, Evaluation, EvaluationStatus
from reviews.services.audit import audit_chain_verify

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        User.objects.count(),
        Call.objects.count(),
        Evaluation.objects.count(),
        CriticalError.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_demo_world_has_the_personas_and_rerunning_changes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first

    usernames = set(User.objects.values_list("username", flat=True))
    assert usernames == {
        "qa_lead",
        "supervisor_a",
        "supervisor_b",
        "agent_a1",
        "agent_a2",
        "agent_b1",
        "agent_b2",
        "council",
        "admin",
    }
    agents = User.objects.filter(role="agent")
    assert set(agents.values_list("employment_type", flat=True)) == {"permanent", "fixed_term", "temp_agency"}
    assert User.objects.get(username="agent_a1").check_password("demo-password")
    assert all(call.recording for call in Call.objects.all())
    assert CriticalError.objects.filter(type__code="UNREPORTED_SIGNAL", offset_seconds=95).count() == 1
    assert Evaluation.objects.filter(status=EvaluationStatus.SUBMITTED).exists()
    assert audit_chain_verify().ok
