"""Critical errors on a draft evaluation: logged at a moment of the recording with a root cause, or removed."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from reviews.domain.errors import DomainError
from reviews.domain.transitions import EvaluationAction
from reviews.models import AuditAction, Criterion, CriticalError, CriticalErrorType, Evaluation, RootCause
from reviews.services.audit import audit_record
from reviews.services.evaluations import lock_for_reviewer, store_score
from reviews.services.texts import NOTE_MAX_CHARS, too_long


@transaction.atomic
def critical_error_log(
    *,
    evaluation: Evaluation,
    error_type: CriticalErrorType,
    offset_seconds: int,
    note: str,
    criterion: Criterion | None = None,
    root_cause: RootCause | None = None,
    acting_user: User,
) -> CriticalError:
    """Log a critical error at a moment of the recording, on a draft evaluation.

    Why it happened (``root_cause``) is required, except in calibration, where only the judgment is compared.
    """
    evaluation = lock_for_reviewer(evaluation, acting_user, EvaluationAction.EDIT)
    field_errors: dict[str, list[str]] = {}
    if not error_type.is_active:
        field_errors["type"] = [_("This critical-error type is no longer in use.")]
    if root_cause is None and evaluation.calibration_session_id is None:
        field_errors["root_cause"] = [_("Choose why it happened: the root cause.")]
    elif root_cause is not None and not root_cause.is_active:
        field_errors["root_cause"] = [_("This root cause is no longer in use.")]
    if offset_seconds < 0:
        field_errors["offset_seconds"] = [_("The offset cannot be negative.")]
    elif offset_seconds > evaluation.call.handle_time_seconds:
        field_errors["offset_seconds"] = [
            _("The call lasted %(seconds)s seconds; the offset must lie within it.")
            % {"seconds": evaluation.call.handle_time_seconds}
        ]
    if not note.strip():
        field_errors["note"] = [_("Describe what happened at this moment.")]
    elif too_long(note, NOTE_MAX_CHARS):
        field_errors["note"] = too_long(note, NOTE_MAX_CHARS)
    if criterion is not None and criterion.section.version_id != evaluation.scorecard_version_id:
        field_errors["criterion"] = [_("This criterion is not part of the evaluation's scorecard version.")]
    if field_errors:
        raise DomainError(_("The critical error is not valid; nothing was saved."), fields=field_errors)
    error = CriticalError.objects.create(
        evaluation=evaluation,
        type=error_type,
        criterion=criterion,
        offset_seconds=offset_seconds,
        note=note.strip(),
        root_cause=root_cause,
        agent_id=evaluation.call.agent_id,
        observed_at=evaluation.call.started_at,
    )
    store_score(evaluation)
    evaluation.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CRITICAL_ERROR_LOGGED,
        obj=error,
        subject=evaluation.call.agent,
        data={
            "evaluation_id": evaluation.pk,
            "type": error_type.code,
            "offset_seconds": offset_seconds,
            "root_cause": None if root_cause is None else {"code": root_cause.code, "version": root_cause.version},
        },
    )
    return error


@transaction.atomic
def critical_error_remove(*, critical_error: CriticalError, acting_user: User) -> None:
    """Remove a critical error from a draft (after submission errors are overturned or withdrawn, never deleted)."""
    evaluation = lock_for_reviewer(critical_error.evaluation, acting_user, EvaluationAction.EDIT)
    audit_record(
        actor=acting_user,
        action=AuditAction.CRITICAL_ERROR_REMOVED,
        obj=critical_error,
        subject=evaluation.call.agent,
        data={"evaluation_id": evaluation.pk, "type": critical_error.type.code},
    )
    critical_error.delete()
    store_score(evaluation)
    evaluation.save()
