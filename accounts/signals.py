"""Audit events for the security of accounts: a lockout is recorded, without the address or password."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.db import transaction
from django.dispatch import receiver

from accounts.models import User
from reviews.models import AuditAction


@receiver(user_locked_out)
def record_lockout(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **_: Any
) -> None:
    from reviews.services.audit import audit_record

    user = User.objects.filter(username=username).first() if username else None
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_LOCKED_OUT,
            object_type="accounts.user",
            # An unknown username is not stored: it may be someone's password typed in the wrong box.
            object_id=str(user.pk) if user else "",
            subject=user,
            data={"known_user": user is not None, "path": getattr(request, "path", "")},
        )
