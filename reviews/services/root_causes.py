"""Root causes: the taxonomy QA leads keep, and the reasoned change of one error's cause.

A cause is never edited in place: ``root_cause_revise`` makes a new version and retires the old
one, so an error keeps the wording and the kind it was given. Changing an error's cause is for
whoever decides what the error means for the agent: a person who may decide an open alert built
on it, or the handler of an open appeal on its evaluation. The change is audited (with the agent as
subject, so the next scoring run looks at the agent again), shown to the agent with its reason, and
an alert whose rule leaves systemic causes out is retracted if its counting evidence falls below N.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.models import (
    OPEN_APPEAL_STATUSES,
    Alert,
    AlertStatus,
    Appeal,
    AuditAction,
    CauseKind,
    CriticalError,
    CriticalErrorStatus,
    RootCause,
    RootCauseChange,
)
from reviews.services.alerts import alerts_recheck_evidence, check_decider
from reviews.services.audit import audit_record
from reviews.services.notifications import notify
from reviews.services.permissions import require_qa_lead
from reviews.services.texts import EXPLANATION_MAX_CHARS, too_long

CODE_PATTERN = r"^_*[A-Za-z0-9][A-Za-z0-9_]*$"
REVISABLE_FIELDS = ("label_nl", "label_en", "description_nl", "description_en", "kind")
REASON_MIN_CHARS = 10


def _check_texts(label_nl: str, label_en: str, kind: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not label_nl.strip():
        errors["label_nl"] = [_("Give the Dutch name.")]
    if not label_en.strip():
        errors["label_en"] = [_("Give the English name.")]
    if kind not in CauseKind.values:
        errors["kind"] = [_("Choose individual or systemic.")]
    return errors


@transaction.atomic
def root_cause_create(
    *,
    code: str,
    kind: str,
    label_nl: str,
    label_en: str,
    description_nl: str = "",
    description_en: str = "",
    acting_user: User,
) -> RootCause:
    require_qa_lead(acting_user, to=_("manages root causes"))
    code = code.strip().upper()
    errors = _check_texts(label_nl, label_en, kind)
    if not re.fullmatch(CODE_PATTERN, code):
        errors["code"] = [_("Use letters, digits and underscores.")]
    if errors:
        raise DomainError(_("The root cause is not valid; nothing was saved."), fields=errors)
    if RootCause.objects.filter(code=code).exists():
        raise Conflict(
            _("The code %(code)s is already in use.") % {"code": code},
            code="duplicate_code",
            fields={"code": [_("Already in use.")]},
        )
    cause = RootCause.objects.create(
        code=code,
        kind=kind,
        label_nl=label_nl.strip(),
        label_en=label_en.strip(),
        description_nl=description_nl.strip(),
        description_en=description_en.strip(),
        created_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.ROOT_CAUSE_CREATED,
        obj=cause,
        data={"code": code, "version": 1, "kind": kind, "label_nl": cause.label_nl, "label_en": cause.label_en},
    )
    return cause


@transaction.atomic
def root_cause_revise(*, cause: RootCause, acting_user: User, **changes: str) -> RootCause:
    """A new version of an active cause with the changed texts or kind; the old version is retired."""
    require_qa_lead(acting_user, to=_("manages root causes"))
    unknown = set(changes) - set(REVISABLE_FIELDS)
    if unknown:
        raise DomainError(_("Cannot change %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    current = RootCause.objects.select_for_update().filter(pk=cause.pk).first()
    if current is None or not current.is_active:
        raise Conflict(_("Only the current version of a cause can be revised."), code="not_current")
    values = {field: getattr(current, field) for field in REVISABLE_FIELDS} | {
        field: value.strip() for field, value in changes.items()
    }
    errors = _check_texts(values["label_nl"], values["label_en"], values["kind"])
    if errors:
        raise DomainError(_("The root cause is not valid; nothing was saved."), fields=errors)
    if all(values[field] == getattr(current, field) for field in REVISABLE_FIELDS):
        raise DomainError(_("Nothing changed; no new version was made."), code="nothing_changed")
    now = timezone.now()
    RootCause.objects.filter(pk=current.pk).update(is_active=False, retired_at=now)
    number = (RootCause.objects.filter(code=current.code).aggregate(n=Max("version"))["n"] or 0) + 1
    revised = RootCause.objects.create(code=current.code, version=number, created_by=acting_user, **values)
    audit_record(
        actor=acting_user,
        action=AuditAction.ROOT_CAUSE_REVISED,
        obj=revised,
        data={
            "code": revised.code,
            "version": number,
            "previous_version": current.version,
            "changed": {f: values[f] for f in REVISABLE_FIELDS if values[f] != getattr(current, f)},
        },
    )
    return revised


@transaction.atomic
def root_cause_retire(*, cause: RootCause, acting_user: User) -> RootCause:
    """No longer offered for new errors; errors that have it keep it."""
    require_qa_lead(acting_user, to=_("manages root causes"))
    updated = RootCause.objects.filter(pk=cause.pk, is_active=True).update(is_active=False, retired_at=timezone.now())
    if not updated:
        raise Conflict(_("This cause is already retired."), code="already_retired")
    cause.refresh_from_db()
    audit_record(
        actor=acting_user,
        action=AuditAction.ROOT_CAUSE_RETIRED,
        obj=cause,
        data={"code": cause.code, "version": cause.version},
    )
    return cause


def may_change_cause(error: CriticalError, user: User) -> bool:
    """A person who may decide an open alert built on the error, or who handles an open appeal on it."""
    if user.role not in (Role.SUPERVISOR, Role.QA_LEAD) or error.evaluation.reviewer_id == user.pk:
        return False
    if Appeal.objects.filter(
        evaluation_id=error.evaluation_id, assignee=user, status__in=OPEN_APPEAL_STATUSES
    ).exists():
        return True
    for alert in Alert.objects.filter(evidence=error, status=AlertStatus.OPEN).select_related("agent"):
        try:
            check_decider(alert, user)  # the same rule as deciding the alert itself
        except NotPermitted:
            continue
        return True
    return False


@transaction.atomic
def critical_error_cause_change(
    *, error: CriticalError, root_cause: RootCause, reason: str, acting_user: User
) -> CriticalError:
    error = CriticalError.objects.select_for_update(of=("self",)).select_related("evaluation", "agent").get(pk=error.pk)
    if not may_change_cause(error, acting_user):
        raise NotPermitted(
            _(
                "Only someone who may decide an open alert built on this error, or who handles an open appeal on "
                "it, changes its root cause."
            ),
            code="not_cause_decider",
        )
    fields: dict[str, list[str]] = {}
    if error.status != CriticalErrorStatus.ACTIVE:
        raise Conflict(_("This critical error no longer counts; its cause stays as it was."), code="not_active")
    if not root_cause.is_active:
        fields["root_cause"] = [_("This root cause is no longer in use.")]
    elif root_cause.pk == error.root_cause_id:
        fields["root_cause"] = [_("The error already has this root cause.")]
    if len(reason.strip()) < REASON_MIN_CHARS:
        fields["reason"] = [_("Explain the change in at least %(n)s characters.") % {"n": REASON_MIN_CHARS}]
    elif too_long(reason, EXPLANATION_MAX_CHARS):
        fields["reason"] = too_long(reason, EXPLANATION_MAX_CHARS)
    if fields:
        raise DomainError(_("The root cause was not changed."), fields=fields)
    previous = error.root_cause
    RootCauseChange.objects.create(
        critical_error=error,
        previous=previous,
        new=root_cause,
        reason=reason.strip(),
        changed_by=acting_user,
        changed_at=timezone.now(),
    )
    error.root_cause = root_cause
    error.save(update_fields=["root_cause"])
    audit_record(
        actor=acting_user,
        action=AuditAction.CRITICAL_ERROR_CAUSE_CHANGED,
        obj=error,
        subject=error.agent,
        data={
            "evaluation_id": error.evaluation_id,
            "from": None if previous is None else {"code": previous.code, "version": previous.version},
            "to": {"code": root_cause.code, "version": root_cause.version, "kind": root_cause.kind},
            "reason": reason.strip(),
        },
    )
    notify(
        recipient=error.agent,
        kind="root_cause_changed",
        obj=error.evaluation,
        params={"evaluation": error.evaluation_id},
    )
    if root_cause.is_systemic and (previous is None or not previous.is_systemic):
        alerts_recheck_evidence(critical_error_ids=[error.pk], acting_user=acting_user, because="cause_changed")
    return error
