import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Team, User
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
    assert usernames >= {
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
    # Around them, an organisation: ten teams, 150 to 250 agents of every employment type, a year of calls.
    agents = User.objects.filter(role="agent")
    assert 150 <= agents.count() <= 250 and Team.objects.count() == 10
    assert set(agents.values_list("employment_type", flat=True)) == {"permanent", "fixed_term", "temp_agency"}
    assert User.objects.filter(role="agent", team__name="Team J").count() == 8  # below k on purpose
    assert User.objects.get(username="agent_a1").check_password("demo-password")
    assert User.objects.get(username="agent_c01").check_password("demo-password")
    oldest = Call.objects.order_by("started_at").first()
    assert oldest is not None and (timezone.now() - oldest.started_at).days >= 330
    assert all(call.recording for call in Call.objects.filter(external_id__startswith="DEMO-", channel="phone"))
    # A chat and an e-mail thread, with their messages instead of a recording.
    written = Call.objects.filter(external_id__startswith="DEMO-").exclude(channel="phone")
    assert sorted(written.values_list("channel", flat=True)) == ["chat", "email"]
    assert all(call.segments.filter(end_ms__isnull=True).exists() for call in written)
    demo_error = CriticalError.objects.filter(evaluation__call__external_id__startswith="DEMO-")
    assert demo_error.filter(type__code="UNREPORTED_SIGNAL", offset_seconds=95).count() == 1
    assert Evaluation.objects.filter(status=EvaluationStatus.SUBMITTED).exists()
    assert audit_chain_verify().ok
    assert_every_council_view_shows_figures_above_k(settings.SMALL_CELL_K)


def assert_every_council_view_shows_figures_above_k(k: int) -> None:
    """The organisation is there for the council to see something: figures, a flag, a hidden group."""
    from reviews.api.params import council_window_between, window_bounds
    from reviews.selectors.works_council import (
        group_breakdown,
        pressure_indicators,
        reviewer_aggregates,
        rule_usage,
    )

    start, end = window_bounds(council_window_between(None, None))  # the pages' default: the last whole quarter
    usage = rule_usage(start=start, end=end)
    assert any((row["confirmed"] or 0) >= k for row in usage["rows"])
    assert [d["too_few_to_judge"] for d in usage["deciders"]] == [False]
    breakdown = group_breakdown(start=start, end=end)
    by_type = {row["group"]: row for row in breakdown["employment_type"]}
    assert by_type["temp_agency"]["disparity_flag"] is True  # the skew the demo is built with, and shown
    assert any(row["agents"] is None for row in breakdown["team"])  # Team J: eight people, hidden
    from reviews.services.figures import figures_refresh

    figures_refresh()  # as the council's pages do before reading the figures
    pressure = pressure_indicators(start=start, end=end)
    assert all(band["critical_error_rate"] is not None for band in pressure["handle_time_bands"])
    reviewers = reviewer_aggregates(start=start, end=end)
    assert sum(1 for r in reviewers if r["critical_error_rate_per_100"] is not None) >= 8
