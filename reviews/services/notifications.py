from __future__ import annotations

from django.db import transaction
from django.db.models import Model

from accounts.models import User
from reviews.models import Notification


def notify(*, recipient: User, kind: str, message: str, obj: Model) -> Notification:
    """Tell someone inside the tool. Nothing is sent anywhere else; the caller's audit event records why."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must run inside the transaction of the change it reports")
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        message=message,
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
        object_id=str(obj.pk),
    )
