"""Template filters that turn stored values into what a person reads, in the page's language.

Codes and enumerated values never reach a page: ``{{ v.status|label:"rule_version_status" }}``,
``{{ error.type|error_type }}``, ``{{ codes|error_types }}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template
from django.db.models import TextChoices
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import EmploymentType, Role
from reviews.models import (
    AlertLevel,
    AlertStatus,
    AppealStatus,
    AuditAction,
    Call,
    CandidateStatus,
    CauseKind,
    Channel,
    CoachingStatus,
    ConfirmationStatus,
    ConsentDecision,
    CriticalErrorStatus,
    CriticalErrorType,
    EvaluationStatus,
    RootCause,
    RuleVersionStatus,
    RunStatus,
    ScorecardVersionStatus,
    Selection,
    SelfEvaluationStatus,
    Speaker,
    TargetReason,
)

register = template.Library()

KINDS: dict[str, type[TextChoices]] = {
    "alert_level": AlertLevel,
    "alert_status": AlertStatus,
    "appeal_status": AppealStatus,
    "audit_action": AuditAction,
    "candidate_status": CandidateStatus,
    "cause_kind": CauseKind,
    "channel": Channel,
    "coaching_status": CoachingStatus,
    "confirmation_status": ConfirmationStatus,
    "consent_decision": ConsentDecision,
    "critical_error_status": CriticalErrorStatus,
    "employment_type": EmploymentType,
    "evaluation_status": EvaluationStatus,
    "role": Role,
    "rule_version_status": RuleVersionStatus,
    "run_status": RunStatus,
    "scorecard_version_status": ScorecardVersionStatus,
    "selection": Selection,
    "self_evaluation_status": SelfEvaluationStatus,
    "speaker": Speaker,
    "target_reason": TargetReason,
}


@register.filter
def label(value: object, kind: str) -> str:
    """The label of a stored value of one of the product's choices; an unknown value is shown as it is."""
    choices = KINDS[kind]
    try:
        return str(choices(str(value)).label)
    except ValueError:
        return "" if value is None else str(value)


def _type_label(error_type: CriticalErrorType) -> str:
    name = error_type.label_nl if get_language() == "nl" else error_type.label_en
    return name or error_type.label_en or error_type.code


@register.filter
def error_type(value: CriticalErrorType | str) -> str:
    """A critical-error type by its name in the page's language (a type, or its code)."""
    if isinstance(value, CriticalErrorType):
        return _type_label(value)
    found = CriticalErrorType.objects.filter(code=value).first()
    return _type_label(found) if found else str(value)


def cause_label(cause: RootCause) -> str:
    """A root cause's name in the page's language, with whether it is individual or systemic."""
    name = cause.label_nl if get_language() == "nl" else cause.label_en
    return f"{name or cause.label_en} ({str(CauseKind(cause.kind).label).lower()})"


@register.filter
def root_cause(value: RootCause | None) -> str:
    """A root cause by its name in the page's language, with its kind (errors logged before causes have none)."""
    if value is None:
        return str(_("not recorded"))
    return cause_label(value)


@register.filter
def error_types(codes: Iterable[str]) -> str:
    """Several critical-error types (codes), by name, in one query."""
    codes = list(codes)
    names = {t.code: _type_label(t) for t in CriticalErrorType.objects.filter(code__in=codes)}
    return ", ".join(names.get(code, code) for code in codes)


@register.filter
def person(user: object) -> str:
    """A person by name; the username only for an account without one; a dash for nobody."""
    if user is None or user == "":
        return "\u2013"  # an en dash, as elsewhere on the pages
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or str(getattr(user, "username", user))


# The terms of a rule version as the works council reads them in the register's "what changed".
RULE_TERMS = {
    "purpose": _("Purpose"),
    "count_n": _("Number of critical errors (N)"),
    "window_days": _("Window in days (W)"),
    "level": _("Level"),
    "effective_from": _("Effective from"),
    "counted_types": _("Counted critical errors"),
    "scope_teams": _("Teams in scope"),
    "scope_employment_types": _("Employment types in scope"),
    "count_targeted_reviews": _("Errors from targeted reviews count"),
    "exclude_flagged_reviewers": _("Errors logged by reviewers flagged in calibration do not count"),
    "exclude_systemic_causes": _("Errors with a systemic root cause do not count"),
    "requires_confirmation": _("Errors count only once a second reviewer confirmed them"),
}


@register.filter
def rule_term(name: str) -> str:
    return str(RULE_TERMS.get(name, name))


@register.filter
def term_value(change: dict[str, object], side: str) -> str:
    """One side ("from" or "to") of a change between two rule versions, as a person reads that term."""
    field, value = change["field"], change[side]
    if field == "level":
        return label(value, "alert_level")
    if field == "counted_types":
        return error_types(value)  # type: ignore[arg-type]
    if field == "scope_employment_types":
        return ", ".join(label(v, "employment_type") for v in value) or str(_("all"))  # type: ignore[attr-defined]
    if field == "scope_teams":
        return ", ".join(str(v) for v in value) or str(_("all"))  # type: ignore[attr-defined]
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field == "effective_from":
        return date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    return str(value)


@register.filter
def moment(seconds: object) -> str:
    """A moment in a recording as minutes:seconds (95 → 1:35), the one way offsets are shown."""
    try:
        total = int(str(seconds))
    except ValueError:
        return str(seconds)
    return f"{total // 60}:{total % 60:02d}"


@register.filter
def pick(mapping: dict[object, object], key: object) -> object:
    """``mapping[key]`` in a template (the form of one row, say); empty when absent."""
    return mapping.get(key, "")


@register.inclusion_tag("web/partials/transcript.html")
def conversation(call: Call) -> dict[str, object]:
    """A chat's or e-mail's messages where a page shows a call without its own transcript panel."""
    from reviews.selectors.transcripts import segments_of

    return {"call": call, "segments": list(segments_of(call)), "log_at": None}
