"""The daily e-mail digest, delivered to a real SMTP server started by the test (aiosmtpd): it says
that something waits and where, and never a score, a colleague's name or what an error was."""

import datetime as dt
import email
from email.message import Message

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from reviews.models import AuditAction, AuditEvent, ConfirmationTask, CriticalError, DigestDelivery
from reviews.services.coaching import coaching_plan_open, coaching_session_add
from reviews.services.digests import digests_send
from tests.helpers import active_rule, scored_call
from tests.processes import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def midday():
    """These tests compare dates ("tomorrow", "due in 5 days"): at a fixed midday no run crosses midnight."""
    with time_machine.travel(dt.datetime(2026, 11, 16, 11, 0, tzinfo=dt.UTC), tick=True):
        yield


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[str]:
        return [
            m.get_payload(decode=True).decode()  # type: ignore[union-attr]
            for m in self.messages
            if m["To"] == address
        ]


@pytest.fixture
def inbox(settings):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DIGEST_EMAILS = True
    settings.SITE_URL = "https://qa-review.example.org"
    yield handler
    controller.stop()


def test_the_digest_says_what_waits_and_where_and_nothing_about_anyone(inbox, world, published_version):
    now = timezone.now()
    for person in (
        world.agent,
        world.supervisor,
        world.other_supervisor,
        world.qa_lead,
        world.council,
        world.colleague,
    ):
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])
    active_rule(qa_lead=world.qa_lead, council=world.council, n=3, requires_confirmation=True)
    evaluation = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=now - dt.timedelta(hours=3)
    )
    error = CriticalError.objects.get(evaluation=evaluation)
    plan = coaching_plan_open(agent=world.agent, goals="Signalen melden.", acting_user=world.supervisor)
    coaching_session_add(
        plan=plan,
        held_on=timezone.localdate() + dt.timedelta(days=1),
        notes="Gepland: samen terugluisteren.",
        agreed_actions="",
        acting_user=world.supervisor,
    )
    task = ConfirmationTask.objects.get()
    assert task.assignee == world.other_supervisor
    task.due_on = timezone.localdate()
    task.save(update_fields=["due_on"])
    # The rule's consent runs out within 30 days.
    version = active_rule(qa_lead=world.qa_lead, council=world.council, n=5)
    version.review_by = timezone.localdate() + dt.timedelta(days=10)
    version.save(update_fields=["review_by"])

    # alice (a new evaluation, a session tomorrow), sam (the session he planned), sara (a second opinion due),
    # the QA lead and the council (a consent running out); bob has nothing waiting.
    assert digests_send() == 5
    assert {m["To"] for m in inbox.messages} == {
        p.email for p in (world.agent, world.supervisor, world.other_supervisor, world.qa_lead, world.council)
    }
    alice = inbox.to(world.agent.email)[0]
    assert "1 nieuwe beoordeling" in alice and "https://qa-review.example.org/me/" in alice
    assert "1 coachingsgesprek" in alice and "https://qa-review.example.org/coaching/" in alice
    assert "https://qa-review.example.org/confirmations/" in inbox.to(world.other_supervisor.email)[0]
    assert "https://qa-review.example.org/rules/" in inbox.to(world.qa_lead.email)[0]
    assert "https://qa-review.example.org/council/" in inbox.to(world.council.email)[0]
    assert inbox.to(world.colleague.email) == []
    # Nothing about anyone: no score, no colleague's name, no error type or note, no goals or notes.
    for message in inbox.messages:
        body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
        assert message["Subject"] == "qa_review: er wacht iets op u"
        for secret in (
            str(evaluation.score),
            world.supervisor.get_full_name() or "sam",
            world.agent.username,
            error.note,
            "Niet-gemeld signaal",
            "Signalen melden",
            "samen terugluisteren",
        ):
            assert secret not in body, (secret, body)
    # Once a day: running it again sends nothing, and each digest is on the recipient's record.
    assert digests_send() == 0
    call_command("send_digests")
    assert len(inbox.messages) == 5
    assert DigestDelivery.objects.count() == 5
    assert AuditEvent.objects.filter(action=AuditAction.DIGEST_SENT, subject=world.agent).count() == 1


def test_no_digest_when_switched_off(inbox, world, published_version, settings):
    settings.DIGEST_EMAILS = False
    world.agent.email = "alice@example.org"
    world.agent.save(update_fields=["email"])
    scored_call(reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=timezone.now())
    assert digests_send() == 0
    assert inbox.messages == []
