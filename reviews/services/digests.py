"""The daily e-mail digest: a person is told that something waits for them in qa_review, and where.

A digest says only what kind of thing waits and how many, with a link; never a score, a colleague's
name or what an error was (mail leaves the system and is read on phones and forwarded). Off unless
DIGEST_EMAILS is on; a person without an e-mail address gets none; each person gets at most one a day
(``DigestDelivery``), so a retried task sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from reviews.models import (
    Appeal,
    AuditAction,
    CoachingSession,
    ConfirmationStatus,
    ConfirmationTask,
    DigestDelivery,
    Evaluation,
    EvaluationStatus,
    RuleVersion,
    RuleVersionStatus,
)
from reviews.services.audit import audit_record


@dataclass(frozen=True)
class Waiting:
    kind: str
    count: int
    path: str


def _new_evaluations(user: User, today: dt.date) -> Waiting | None:
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1), dt.time.min))
    n = Evaluation.objects.filter(
        call__agent=user, status=EvaluationStatus.SUBMITTED, submitted_at__gte=since, calibration_session__isnull=True
    ).count()
    return Waiting("new_evaluations", n, "/me/") if n else None


def _appeal_window_closing(user: User, today: dt.date) -> Waiting | None:
    """Evaluations whose appeal window closes in two days, not appealed."""
    shown_on = today + dt.timedelta(days=2) - dt.timedelta(days=settings.APPEAL_WINDOW_DAYS)
    start = timezone.make_aware(dt.datetime.combine(shown_on, dt.time.min))
    n = (
        Evaluation.objects.filter(
            call__agent=user,
            status__in=[EvaluationStatus.SUBMITTED, EvaluationStatus.ACKNOWLEDGED],
            submitted_at__gte=start,
            submitted_at__lt=start + dt.timedelta(days=1),
            superseded_at__isnull=True,
        )
        .exclude(Exists(Appeal.objects.filter(evaluation=OuterRef("pk"))))
        .count()
    )
    return Waiting("appeal_window_closing", n, "/me/") if n else None


def _confirmations_due(user: User, today: dt.date) -> Waiting | None:
    n = ConfirmationTask.objects.filter(
        assignee=user, status=ConfirmationStatus.OPEN, due_on__lte=today + dt.timedelta(days=1)
    ).count()
    return Waiting("confirmations_due", n, "/confirmations/") if n else None


def _coaching_tomorrow(user: User, today: dt.date) -> Waiting | None:
    sessions = CoachingSession.objects.filter(held_on=today + dt.timedelta(days=1))
    n = (sessions.filter(plan__agent=user) | sessions.filter(recorded_by=user)).distinct().count()
    return Waiting("coaching_tomorrow", n, "/coaching/") if n else None


def _consent_expiring(user: User, today: dt.date) -> Waiting | None:
    if user.role not in (Role.QA_LEAD, Role.WORKS_COUNCIL):
        return None
    n = RuleVersion.objects.filter(
        status=RuleVersionStatus.ACTIVE, review_by__gte=today, review_by__lte=today + dt.timedelta(days=30)
    ).count()
    path = "/council/" if user.role == Role.WORKS_COUNCIL else "/rules/"
    return Waiting("consent_expiring", n, path) if n else None


CHECKS: list[Callable[[User, dt.date], Waiting | None]] = [
    _new_evaluations,
    _appeal_window_closing,
    _confirmations_due,
    _coaching_tomorrow,
    _consent_expiring,
]


def waiting_for(user: User, today: dt.date) -> list[Waiting]:
    return [item for check in CHECKS if (item := check(user, today)) is not None]


def _line(item: Waiting) -> str:
    n = item.count
    texts = {
        "new_evaluations": ngettext(
            "%(n)s new evaluation is waiting for you to see.", "%(n)s new evaluations are waiting for you to see.", n
        ),
        "appeal_window_closing": ngettext(
            "The appeal window of %(n)s evaluation closes in two days.",
            "The appeal window of %(n)s evaluations closes in two days.",
            n,
        ),
        "confirmations_due": ngettext(
            "%(n)s second opinion asked of you is due.", "%(n)s second opinions asked of you are due.", n
        ),
        "coaching_tomorrow": ngettext(
            "%(n)s coaching session is planned for tomorrow.", "%(n)s coaching sessions are planned for tomorrow.", n
        ),
        "consent_expiring": ngettext(
            "The consent for %(n)s threshold rule expires within 30 days.",
            "The consent for %(n)s threshold rules expires within 30 days.",
            n,
        ),
    }
    return f"- {texts[item.kind] % {'n': n}}\n  {settings.SITE_URL.rstrip('/')}{item.path}"


def digest_text(items: list[Waiting]) -> tuple[str, str]:
    """(subject, body) in the product's language: kinds, counts and links, nothing else."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("qa_review: something is waiting for you")
        body = "\n\n".join(
            [
                _("Good morning,"),
                _("In qa_review:"),
                "\n".join(_line(item) for item in items),
                _(
                    "This message says only that something is waiting; log in to see it. You receive at most one "
                    "such message a day."
                ),
            ]
        )
    return subject, body


def digests_send(*, today: dt.date | None = None) -> int:
    """Send today's digests; returns how many were sent. Running it again the same day sends none."""
    if not settings.DIGEST_EMAILS:
        return 0
    today = today or timezone.localdate()
    sent = 0
    people = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    for user in people.exclude(pk__in=DigestDelivery.objects.filter(sent_on=today).values("recipient_id")):
        items = waiting_for(user, today)
        if not items:
            continue
        try:
            with transaction.atomic():
                DigestDelivery.objects.create(
                    recipient=user,
                    sent_on=today,
                    items={item.kind: item.count for item in items},
                    sent_at=timezone.now(),
                )
                audit_record(
                    actor=None,
                    action=AuditAction.DIGEST_SENT,
                    obj=user,
                    subject=user,
                    data={item.kind: item.count for item in items},
                )
                subject, body = digest_text(items)
                # Inside the transaction: if sending fails, the delivery is not recorded and a retry sends it.
                send_mail(subject, body, None, [user.email])
        except IntegrityError:
            continue  # another worker sent this person's digest today
        sent += 1
    return sent
