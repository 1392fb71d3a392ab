from __future__ import annotations

import io
import wave
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from accounts.models import EmploymentType, Role, User
from reviews.models import Call, Criterion, CriticalErrorType, ScorecardVersion
from reviews.selectors.scorecards import criteria_in_order
from reviews.services.scorecards import criterion_add, scorecard_create, scorecard_version_publish, section_add
from tests.factories import CallFactory, TeamFactory, UserFactory


@dataclass
class World:
    """The personas of STYLE.md: an agent, a colleague, another team's agent, their supervisors, and the rest."""

    agent: User
    colleague: User
    other_agent: User
    supervisor: User
    other_supervisor: User
    qa_lead: User
    council: User
    admin: User

    def by_name(self, name: str) -> User:
        return getattr(self, name)


PERSONA_NAMES = ["agent", "colleague", "other_agent", "supervisor", "other_supervisor", "qa_lead", "council", "admin"]


def ensure_seeded_error_types() -> None:
    """Transactional tests flush every table, including the migrations' seeded types and causes; put them back."""
    import importlib

    from django.apps import apps as django_apps

    seeded = importlib.import_module("reviews.migrations.0002_seed_critical_error_types").TYPES
    for code, label_nl, label_en, description in seeded:
        CriticalErrorType.objects.get_or_create(
            code=code, defaults={"label_nl": label_nl, "label_en": label_en, "description": description}
        )
    # The migration's own seed, run against the current models (it only needs ``get_model``).
    importlib.import_module("reviews.migrations.0023_root_causes").seed(django_apps, None)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the product's default language, whatever a previous request activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db: None) -> World:
    ensure_seeded_error_types()
    team_a = TeamFactory.create(name="Team A")
    team_b = TeamFactory.create(name="Team B")
    return World(
        agent=UserFactory.create(
            username="alice", role=Role.AGENT, team=team_a, employment_type=EmploymentType.TEMP_AGENCY
        ),
        colleague=UserFactory.create(username="bob", role=Role.AGENT, team=team_a),
        other_agent=UserFactory.create(username="charlie", role=Role.AGENT, team=team_b),
        supervisor=UserFactory.create(username="sam", role=Role.SUPERVISOR, team=team_a),
        other_supervisor=UserFactory.create(username="sara", role=Role.SUPERVISOR, team=team_b),
        qa_lead=UserFactory.create(username="quinn", role=Role.QA_LEAD),
        council=UserFactory.create(username="cora", role=Role.WORKS_COUNCIL),
        admin=UserFactory.create(username="ada", role=Role.ADMIN, is_staff=True, is_superuser=True),
    )


@pytest.fixture
def published_version(world: World) -> ScorecardVersion:
    """Published scorecard: identity (2), correct info (4), signal reported (2, N/A allowed)."""
    scorecard = scorecard_create(name="Telefonie", acting_user=world.qa_lead)
    version = scorecard.versions.get()
    section = section_add(version=version, title="Gesprek", acting_user=world.qa_lead)
    criterion_add(section=section, text="Identiteit geverifieerd", max_points=2, acting_user=world.qa_lead)
    criterion_add(section=section, text="Juiste informatie over de uitkering", max_points=4, acting_user=world.qa_lead)
    criterion_add(
        section=section,
        text="Signaal gemeld waar nodig",
        max_points=2,
        na_allowed=True,
        critical_error_type=CriticalErrorType.objects.get(code="UNREPORTED_SIGNAL"),
        acting_user=world.qa_lead,
    )
    return scorecard_version_publish(version=version, acting_user=world.qa_lead)


def criteria_of(version: ScorecardVersion) -> list[Criterion]:
    return list(criteria_in_order(version_id=version.pk))


def small_wav(seconds: int = 2) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(bytes((128 + (i % 50)) for i in range(8000 * seconds)))
    return buffer.getvalue()


@pytest.fixture
def call(world: World, settings: object, tmp_path: object) -> Call:
    """A call of the agent, with a small recording."""
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    call = CallFactory.create(agent=world.agent, handle_time_seconds=360, recording_content_type="audio/wav")
    call.recording.save("call.wav", ContentFile(small_wav()), save=True)
    return call


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def celery_worker(transactional_db: None):
    """A real Celery worker (in this process, solo pool) consuming from real Redis."""
    from celery.contrib.testing.worker import start_worker

    from qa_review.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30) as worker:
        yield worker


def wait_for(predicate, *, timeout: float = 60.0, interval: float = 0.1, what: str = "condition"):
    """Poll until predicate() is truthy; fail with what was awaited."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")
