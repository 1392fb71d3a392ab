"""What the tool holds about one person: their overview, and a complete export (right of access)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Model, Q
from django.db.models.fields.files import FieldFile

from accounts.models import User
from reviews.models import (
    AgentScore,
    Alert,
    AlertStatus,
    Answer,
    CoachingSession,
    Evaluation,
    ScreeningCandidate,
    SelfAnswer,
    TranscriptSegment,
)
from reviews.selectors import (
    alert_evidence_prefetch,
    appeal_items_prefetch,
    appeals_visible_to,
    coaching_plans_visible_to,
    critical_errors_shown,
    evaluations_visible_to,
    notifications_of,
    with_evidence_counts,
    with_overdue,
)

# Secrets that refer to a person but must never leave the system, even to that person.
REDACTED_FIELDS = {("accounts", "user", "password"), ("authtoken", "token", "key")}


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def _row(obj: Model) -> dict[str, Any]:
    meta = obj._meta
    concrete = meta.concrete_model._meta if meta.concrete_model else meta
    row: dict[str, Any] = {}
    for field in meta.concrete_fields:
        if (concrete.app_label, concrete.model_name, field.name) in REDACTED_FIELDS:
            row[field.attname] = "[redacted]"
        else:
            row[field.attname] = _value(getattr(obj, field.attname))
    return row


def models_referring_to_users() -> list[tuple[type[Model], list[str]]]:
    """Every model with a foreign key (or one-to-one) to the user model, with those fields' names.

    Proxy models are skipped: their rows are their concrete model's rows.
    """
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is User  # type: ignore[comparison-overlap]
        ]
        if fields:
            found.append((model, fields))
    return found


def personal_data_export(user: User) -> dict[str, Any]:
    """Every row that refers to the person, model by model, plus the evaluations of their calls."""
    records: dict[str, list[dict[str, Any]]] = {"accounts.user": [_row(user)]}
    for model, fields in models_referring_to_users():
        condition = Q()
        for name in fields:
            condition |= Q(**{name: user})
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        rows = [_row(obj) for obj in model._default_manager.filter(condition).order_by("pk")]
        if rows:
            records.setdefault(label, []).extend(rows)
    # Records about the person's calls that refer to the call rather than to them directly.
    evaluations = Evaluation.objects.filter(call__agent=user).order_by("pk")
    records["reviews.evaluation (of my calls)"] = [_row(e) for e in evaluations]
    records["reviews.answer (of my evaluations)"] = [
        _row(a) for a in Answer.objects.filter(evaluation__in=evaluations).order_by("pk")
    ]
    records["reviews.selfanswer (of my self-evaluations)"] = [
        _row(a) for a in SelfAnswer.objects.filter(self_evaluation__agent=user).order_by("pk")
    ]
    records["reviews.transcriptsegment (of my calls)"] = [
        _row(s) for s in TranscriptSegment.objects.filter(call__agent=user).order_by("pk")
    ]
    # Which of the person's calls a screening list selected, and for which phrase.
    records["reviews.screeningcandidate (of my calls)"] = [
        _row(c) for c in ScreeningCandidate.objects.filter(call__agent=user).order_by("pk")
    ]
    records["reviews.coachingsession (of my coaching plans)"] = [
        _row(s) for s in CoachingSession.objects.filter(plan__agent=user).order_by("pk")
    ]
    return {
        "format": "qa_review personal data export, version 1",
        "subject": {"id": user.pk, "username": user.username},
        "records": records,
    }


def my_overview(user: User) -> dict[str, Any]:
    """Everything recorded about the person: evaluations over time, critical errors, decided alerts,
    appeals, monthly scores and notifications. Open alerts stay with supervisors and the QA lead."""

    evaluations = evaluations_visible_to(user).filter(call__agent=user).order_by("call__started_at", "revision", "pk")
    return {
        "evaluations": evaluations,
        "critical_errors": critical_errors_shown()
        .filter(agent=user, evaluation__in=evaluations)
        .order_by("observed_at", "pk"),
        "alerts": with_evidence_counts(Alert.objects.filter(agent=user).exclude(status=AlertStatus.OPEN))
        .select_related("agent", "rule_version__rule", "decided_by")
        .prefetch_related("rule_version__counted_types", alert_evidence_prefetch())
        .order_by("-opened_at"),
        "appeals": with_overdue(appeals_visible_to(user).filter(agent=user)).prefetch_related(appeal_items_prefetch()),
        "scores": AgentScore.objects.filter(agent=user).select_related("agent").order_by("period_start"),
        "notifications": notifications_of(user)[:100],
        "coaching_plans": coaching_plans_visible_to(user).filter(agent=user),
    }
