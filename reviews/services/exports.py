from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User
from reviews.models import AuditAction
from reviews.selectors.me import personal_data_export
from reviews.services.audit import audit_record


@transaction.atomic
def user_data_export(*, acting_user: User) -> dict[str, Any]:
    """The right of access: everything that refers to the person. The export is itself audited,
    first and in the same transaction, so it also holds the record of itself."""
    audit_record(actor=acting_user, action=AuditAction.USER_DATA_EXPORTED, obj=acting_user, subject=acting_user)
    return personal_data_export(acting_user)
