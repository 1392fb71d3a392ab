"""Messages: in the reader's language, an unread count in the header, marked read one by one or all at once."""

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from reviews.models import AuditEvent, Notification
from reviews.services.notifications import notify
from tests.helpers import scored_call

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def messages_for_alice(world, published_version):
    evaluation = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=timezone.now()
    )
    with transaction.atomic():
        return [
            notify(
                recipient=world.agent,
                kind="appeal_decided",
                params={"evaluation": evaluation.pk, "outcome": outcome},
                obj=evaluation,
            )
            for outcome in ("upheld", "overturned")
        ]


def test_messages_are_shown_in_dutch_with_an_unread_count(world, messages_for_alice) -> None:
    html = page_client(world.agent).get("/notifications/").content.decode()
    assert "Over uw bezwaar tegen beoordeling" in html and "herroepen" in html.lower()
    assert 'aria-label="2 ongelezen">2</span>' in html
    english = Client()
    english.force_login(world.agent)
    english.cookies["django_language"] = "en"
    assert "Your appeal on evaluation" in english.get("/notifications/").content.decode()


def test_one_message_and_then_all_are_marked_read(world, messages_for_alice) -> None:
    first, second = messages_for_alice
    client = page_client(world.agent)
    assert client.post("/notifications/read/", {"notification": first.pk}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert 'aria-label="1 ongelezen">1</span>' in client.get("/notifications/").content.decode()
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=world.agent, read_at__isnull=True).exists()
    assert "ongelezen" not in client.get("/notifications/").content.decode()
    assert AuditEvent.objects.filter(action="reviews.notification.read", subject=world.agent).count() == 2


def test_nobody_marks_someone_else_s_message(world, messages_for_alice) -> None:
    first = messages_for_alice[0]
    page_client(world.colleague).post("/notifications/read/", {"notification": first.pk})
    page_client(world.colleague).post("/notifications/read/")
    first.refresh_from_db()
    assert first.read_at is None
