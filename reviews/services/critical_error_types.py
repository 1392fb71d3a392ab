from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from reviews.domain.errors import Conflict, DomainError
from reviews.models import AuditAction, CriticalErrorType
from reviews.services.audit import audit_record
from reviews.services.permissions import require_qa_lead

EDITABLE_FIELDS = ("label_nl", "label_en", "description", "counts_toward_thresholds", "is_active")


# A code: ASCII letters, digits and underscores, at least one letter or digit.
CODE_PATTERN = r"^_*[A-Za-z0-9][A-Za-z0-9_]*$"


@transaction.atomic
def critical_error_type_create(
    *,
    code: str,
    label_nl: str,
    label_en: str,
    description: str = "",
    counts_toward_thresholds: bool = True,
    acting_user: User,
) -> CriticalErrorType:
    require_qa_lead(acting_user, to=_("manages critical-error types"))
    code = code.strip().upper()
    if not re.fullmatch(CODE_PATTERN, code):
        raise DomainError(
            _("Use letters, digits and underscores."), fields={"code": [_("Use letters, digits and underscores.")]}
        )
    if CriticalErrorType.objects.filter(code=code).exists():
        raise Conflict(
            _("The code %(code)s is already in use.") % {"code": code},
            code="duplicate_code",
            fields={"code": [_("Already in use.")]},
        )
    error_type = CriticalErrorType.objects.create(
        code=code,
        label_nl=label_nl,
        label_en=label_en,
        description=description,
        counts_toward_thresholds=counts_toward_thresholds,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CRITICAL_ERROR_TYPE_CREATED,
        obj=error_type,
        data={"code": code, "counts_toward_thresholds": counts_toward_thresholds},
    )
    return error_type


@transaction.atomic
def critical_error_type_update(
    *, error_type: CriticalErrorType, acting_user: User, **changes: object
) -> CriticalErrorType:
    """Change labels or flags. The code is the type's identity and never changes."""
    require_qa_lead(acting_user, to=_("manages critical-error types"))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Cannot change %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for field, value in changes.items():
        setattr(error_type, field, value)
    error_type.save()
    audit_record(actor=acting_user, action=AuditAction.CRITICAL_ERROR_TYPE_UPDATED, obj=error_type, data=dict(changes))
    return error_type
