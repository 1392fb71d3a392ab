from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User
from reviews.models import AuditAction
from reviews.services.audit import audit_record


@transaction.atomic
def works_council_read_record(*, view: str, params: dict[str, Any], acting_user: User) -> None:
    """Every works-council read leaves a trace: which view, with which parameters."""
    audit_record(
        actor=acting_user,
        action=AuditAction.WORKS_COUNCIL_VIEWED,
        object_type="works_council.view",
        object_id=view,
        data={"params": params},
    )


@transaction.atomic
def audit_verification_record(*, ok: bool, head_sequence: int | None, head_hash: str, acting_user: User) -> None:
    audit_record(
        actor=acting_user,
        action=AuditAction.AUDIT_VERIFIED,
        object_type="reviews.auditevent",
        object_id=str(head_sequence or 0),
        data={"ok": ok, "head_hash": head_hash},
    )
