from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from reviews.models import AuditAction, Notification
from reviews.services.audit import audit_record


def notify(*, recipient: User, kind: str, params: dict[str, Any], obj: Model) -> Notification:
    """Tell someone inside the tool. Nothing is sent anywhere else; the caller's audit event records why."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must run inside the transaction of the change it reports")
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        params=params,
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
        object_id=str(obj.pk),
    )


@transaction.atomic
def notifications_mark_read(*, recipient: User, notification_id: int | None = None) -> int:
    """Mark one of the recipient's notifications read, or all of them; returns how many changed."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    marked = unread.update(read_at=timezone.now())
    if marked:
        audit_record(
            actor=recipient,
            action=AuditAction.NOTIFICATION_READ,
            object_type="reviews.notification",
            object_id=str(notification_id or "all"),
            subject=recipient,
            data={"marked": marked},
        )
    return marked
