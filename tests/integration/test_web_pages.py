"""The pages through Django's test client on PostgreSQL: scoping, roles, bad input, language, audit."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from reviews.models import Appeal, AuditEvent, CriticalError, Evaluation, EvaluationStatus
from reviews.services.evaluations import evaluation_create
from tests.helpers import scored_call

pytestmark = pytest.mark.django_db


def page_client(user: User | None, language: str | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    if language is not None:
        client.cookies["django_language"] = language
    return client


@pytest.fixture
def evaluation(world, published_version) -> Evaluation:
    return scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=1),
    )


def test_each_role_lands_on_its_own_start_page(world):
    expected = {
        world.agent: "/me/",
        world.supervisor: "/queue/",
        world.qa_lead: "/queue/",
        world.council: "/council/",
        world.admin: "/admin/",
    }
    for user, start in expected.items():
        assert page_client(user).get("/").headers["Location"] == start


def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(world):
    response = page_client(None).get("/queue/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/?next=/queue/")
    assert page_client(None).get("/login/").status_code == 200


def test_pages_of_another_role_are_forbidden(world):
    assert page_client(world.agent).get("/queue/").status_code == 403
    assert page_client(world.council).get("/me/").status_code == 403
    assert page_client(world.supervisor).get("/council/").status_code == 403
    assert page_client(world.supervisor).get("/rules/").status_code == 403
    assert page_client(world.agent).get("/council/breakdown/").status_code == 403


def test_objects_outside_the_users_scope_do_not_exist_for_them(world, evaluation):
    call_id, evaluation_id = evaluation.call_id, evaluation.pk
    assert page_client(world.other_agent).get(f"/evaluations/{evaluation_id}/").status_code == 404
    assert page_client(world.colleague).get(f"/evaluations/{evaluation_id}/").status_code == 404
    assert page_client(world.other_supervisor).get(f"/calls/{call_id}/").status_code == 404
    assert page_client(world.other_supervisor).get(f"/evaluations/{evaluation_id}/").status_code == 404
    # The people it concerns see it.
    assert page_client(world.agent).get(f"/evaluations/{evaluation_id}/").status_code == 200
    assert page_client(world.supervisor).get(f"/calls/{call_id}/").status_code == 200


def test_the_agent_sees_the_critical_error_with_a_link_that_plays_from_its_moment(world, evaluation):
    html = page_client(world.agent).get(f"/evaluations/{evaluation.pk}/").content.decode()
    error = CriticalError.objects.get(evaluation=evaluation)
    assert f'data-offset="{error.offset_seconds}"' in html
    assert "Niet-gemeld signaal" in html  # the type by its name, never its code
    assert "Gezien" in html  # the acknowledge button, in Dutch by default


def test_a_critical_error_outside_the_call_is_refused_with_its_reason_and_nothing_is_saved(
    world, published_version, call
):
    evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    client = page_client(world.supervisor)
    response = client.post(
        f"/calls/{call.pk}/critical-errors/",
        {"type": "UNREPORTED_SIGNAL", "offset_seconds": "9999", "note": "Te laat.", "root_cause": "KNOWLEDGE_GAP"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # the panel, re-rendered by htmx with the message
    assert "het moment moet daarbinnen liggen" in response.content.decode()
    assert not CriticalError.objects.exists()
    garbage = client.post(f"/calls/{call.pk}/critical-errors/", {"type": "NOPE", "offset_seconds": "x", "note": ""})
    assert garbage.status_code == 302
    assert not CriticalError.objects.exists()


def test_submitting_an_incomplete_evaluation_is_a_400_that_keeps_the_answers(world, published_version, call):
    evaluation = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    first = evaluation.scorecard_version.sections.get().criteria.order_by("position").first()
    response = page_client(world.supervisor).post(
        f"/calls/{call.pk}/evaluation/save/", {f"c{first.pk}": "2", "action": "submit"}
    )
    assert response.status_code == 400
    assert "Beantwoord dit criterium voordat u indient." in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.answers.get().points == 2  # what was answered is kept


def test_an_appeal_with_too_short_a_reason_is_refused_and_creates_nothing(world, evaluation):
    response = page_client(world.agent).post(
        f"/evaluations/{evaluation.pk}/appeal/", {"whole_evaluation": "on", "reason": "Oneens."}
    )
    assert response.status_code == 400
    assert "20" in response.content.decode()
    assert not Appeal.objects.exists()


def test_invalid_filters_and_periods_never_break_a_page(world):
    assert page_client(world.supervisor).get("/queue/?agent=abc&status=zzz&page=-4").status_code == 200
    response = page_client(world.council).get("/council/usage/?start=2026-12-01&end=2026-01-01")
    assert response.status_code == 200
    assert "Het begin moet voor het einde liggen." in response.content.decode()


def test_pages_are_dutch_by_default_and_english_when_chosen_whatever_the_browser_says(world):
    dutch = page_client(world.agent).get("/me/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nl">' in dutch.content.decode()
    assert "Mijn beoordelingen" in dutch.content.decode()
    english = page_client(world.agent, language="en").get("/me/")
    assert '<html lang="en">' in english.content.decode()
    assert "My evaluations" in english.content.decode()


def test_the_language_switch_sets_the_choice_and_returns_to_the_page(world):
    client = page_client(world.agent)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    assert response.headers["Location"] == "/me/"
    assert "My evaluations" in client.get("/me/").content.decode()


def test_pages_forbid_inline_script_and_foreign_sources(world):
    response = page_client(world.agent).get("/me/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_every_works_council_page_read_is_audited(world):
    client = page_client(world.council)
    for path in ("/council/", "/council/usage/", "/council/breakdown/", "/council/pressure/", "/council/audit/"):
        before = AuditEvent.objects.filter(action="reviews.works_council.viewed").count()
        assert client.get(path).status_code == 200
        assert AuditEvent.objects.filter(action="reviews.works_council.viewed").count() == before + 1, path


def test_the_council_pages_name_nobody(world, evaluation):
    client = page_client(world.council)
    for path in ("/council/", "/council/usage/", "/council/breakdown/", "/council/pressure/", "/council/audit/"):
        html = unescape(client.get(path).content.decode()).replace(world.council.username, "")
        for person in (world.agent, world.supervisor, world.colleague):
            # Whole words: "sam" is a person, the "sampling" link in the menu is not.
            assert not re.search(rf"\b{person.username}\b", html), (path, person.username)
            assert person.get_full_name() not in html, (path, person.username)
