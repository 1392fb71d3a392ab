"""Threshold rules under works-council consent."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EmploymentType, Team, User
from reviews.domain.errors import Conflict, DomainError
from reviews.domain.transitions import RuleVersionAction, RuleVersionState, rule_version_transition
from reviews.models import (
    AlertLevel,
    AuditAction,
    ConsentDecision,
    ConsentRecord,
    CriticalErrorType,
    RuleVersion,
    RuleVersionStatus,
    ThresholdRule,
)
from reviews.services.alerts import alerts_quarantine_for_rule_version
from reviews.services.audit import audit_record
from reviews.services.consent import (
    activation_check,
    consent_record_data,
    consent_terms_check,
    nullity_reason_check,
)
from reviews.services.permissions import require_qa_lead

MAX_WINDOW_DAYS = 730


@dataclass(frozen=True)
class RuleTerms:
    """Everything a works council consents to."""

    purpose: str
    counted_type_codes: frozenset[str]
    count_n: int
    window_days: int
    level: str
    effective_from: dt.date
    team_ids: frozenset[int] = field(default_factory=frozenset)
    employment_types: frozenset[str] = field(default_factory=frozenset)
    count_targeted_reviews: bool = False
    exclude_flagged_reviewers: bool = False
    exclude_systemic_causes: bool = False
    requires_confirmation: bool = False


def terms_of(version: RuleVersion) -> RuleTerms:
    return RuleTerms(
        purpose=version.purpose,
        counted_type_codes=frozenset(version.counted_types.values_list("code", flat=True)),
        count_n=version.count_n,
        window_days=version.window_days,
        level=version.level,
        effective_from=version.effective_from,
        team_ids=frozenset(version.scope_teams.values_list("id", flat=True)),
        employment_types=frozenset(version.scope_employment_types),
        count_targeted_reviews=version.count_targeted_reviews,
        exclude_flagged_reviewers=version.exclude_flagged_reviewers,
        exclude_systemic_causes=version.exclude_systemic_causes,
        requires_confirmation=version.requires_confirmation,
    )


def _validate(terms: RuleTerms) -> list[CriticalErrorType]:
    errors: dict[str, list[str]] = {}
    if not terms.purpose.strip():
        errors["purpose"] = [_("State what the rule is for; the works council consents to this purpose.")]
    types = list(CriticalErrorType.objects.filter(code__in=terms.counted_type_codes))
    known = {t.code for t in types}
    unknown = sorted(terms.counted_type_codes - known)
    not_counting = sorted(t.code for t in types if not t.counts_toward_thresholds or not t.is_active)
    if not terms.counted_type_codes:
        errors["counted_types"] = [_("Name at least one critical-error type to count.")]
    elif unknown:
        errors["counted_types"] = [_("Unknown critical-error types: %(codes)s.") % {"codes": ", ".join(unknown)}]
    elif not_counting:
        errors["counted_types"] = [
            _("These types do not count toward thresholds: %(codes)s.") % {"codes": ", ".join(not_counting)}
        ]
    if terms.count_n < 1:
        errors["count_n"] = [_("A rule needs at least 1 error.")]
    if not 1 <= terms.window_days <= MAX_WINDOW_DAYS:
        errors["window_days"] = [_("The window is 1 to %(max)s days.") % {"max": MAX_WINDOW_DAYS}]
    if terms.level not in AlertLevel.values:
        errors["level"] = [_("Choose one of %(values)s.") % {"values": ", ".join(AlertLevel.values)}]
    bad_types = sorted(terms.employment_types - set(EmploymentType.values))
    if bad_types:
        errors["scope_employment_types"] = [
            _("Unknown employment types: %(values)s.") % {"values": ", ".join(bad_types)}
        ]
    if terms.team_ids and Team.objects.filter(pk__in=terms.team_ids).count() != len(terms.team_ids):
        errors["scope_teams"] = [_("Some of these teams do not exist.")]
    if errors:
        raise DomainError(_("The rule is not valid; nothing was saved."), fields=errors)
    return types


def _write_terms(version: RuleVersion, terms: RuleTerms, types: Iterable[CriticalErrorType]) -> None:
    version.purpose = terms.purpose.strip()
    version.count_n = terms.count_n
    version.window_days = terms.window_days
    version.level = terms.level
    version.effective_from = terms.effective_from
    version.scope_employment_types = sorted(terms.employment_types)
    version.count_targeted_reviews = terms.count_targeted_reviews
    version.exclude_flagged_reviewers = terms.exclude_flagged_reviewers
    version.exclude_systemic_causes = terms.exclude_systemic_causes
    version.requires_confirmation = terms.requires_confirmation
    version.save()
    version.counted_types.set(types)
    version.scope_teams.set(Team.objects.filter(pk__in=terms.team_ids))


def _terms_data(terms: RuleTerms) -> dict[str, Any]:
    return {
        "purpose": terms.purpose,
        "counted_types": sorted(terms.counted_type_codes),
        "count_n": terms.count_n,
        "window_days": terms.window_days,
        "level": terms.level,
        "effective_from": terms.effective_from.isoformat(),
        "scope_teams": sorted(terms.team_ids),
        "scope_employment_types": sorted(terms.employment_types),
        "count_targeted_reviews": terms.count_targeted_reviews,
        "exclude_flagged_reviewers": terms.exclude_flagged_reviewers,
        "exclude_systemic_causes": terms.exclude_systemic_causes,
        "requires_confirmation": terms.requires_confirmation,
    }


@transaction.atomic
def threshold_rule_create(*, name: str, terms: RuleTerms, acting_user: User) -> ThresholdRule:
    """A new rule starts as draft version 1; it does nothing until consented and activated."""
    require_qa_lead(acting_user, to=_("drafts and manages threshold rules"))
    types = _validate(terms)
    if ThresholdRule.objects.filter(name=name).exists():
        raise Conflict(
            _("A rule named “%(name)s” exists.") % {"name": name},
            code="duplicate_name",
            fields={"name": [_("Already in use.")]},
        )
    rule = ThresholdRule.objects.create(name=name, created_by=acting_user)
    version = RuleVersion(rule=rule, number=1, created_by=acting_user)
    _write_terms(version, terms, types)
    audit_record(
        actor=acting_user,
        action=AuditAction.THRESHOLD_RULE_DRAFTED,
        obj=version,
        data={"rule_id": rule.pk, "name": name, "number": 1, **_terms_data(terms)},
    )
    return rule


@transaction.atomic
def rule_version_revise(*, rule: ThresholdRule, terms: RuleTerms, acting_user: User) -> RuleVersion:
    """Change a rule. A draft is edited in place; anything else becomes a new draft needing consent again."""
    require_qa_lead(acting_user, to=_("drafts and manages threshold rules"))
    ThresholdRule.objects.select_for_update().get(pk=rule.pk)
    types = _validate(terms)
    draft = rule.versions.filter(status=RuleVersionStatus.DRAFT).first()
    if draft is not None:
        _write_terms(draft, terms, types)
        audit_record(
            actor=acting_user,
            action=AuditAction.RULE_VERSION_EDITED,
            obj=draft,
            data={"rule_id": rule.pk, "number": draft.number, **_terms_data(terms)},
        )
        return draft
    latest = rule.versions.order_by("-number").first()
    number = latest.number + 1 if latest else 1
    version = RuleVersion(rule=rule, number=number, created_by=acting_user)
    _write_terms(version, terms, types)
    audit_record(
        actor=acting_user,
        action=AuditAction.THRESHOLD_RULE_DRAFTED,
        obj=version,
        data={
            "rule_id": rule.pk,
            "number": number,
            "revises": latest.pk if latest else None,
            **_terms_data(terms),
        },
    )
    return version


TERM_FIELDS = frozenset(f.name for f in dataclasses.fields(RuleTerms))


@transaction.atomic
def threshold_rule_change(*, rule: ThresholdRule, changes: Mapping[str, Any], acting_user: User) -> RuleVersion:
    """Change some terms of a rule; the others stay as in its latest version (see ``rule_version_revise``)."""
    unknown = sorted(set(changes) - TERM_FIELDS)
    if unknown:
        raise DomainError(_("Cannot change %(fields)s.") % {"fields": ", ".join(unknown)})
    latest = rule.versions.order_by("-number").first()
    if latest is None:
        raise DomainError(_("This rule has no version to change."), code="no_such_version")
    terms = dataclasses.replace(terms_of(latest), **changes)
    return rule_version_revise(rule=rule, terms=terms, acting_user=acting_user)


def _lock(version: RuleVersion) -> RuleVersion:
    return RuleVersion.objects.select_for_update(of=("self",)).select_related("rule").get(pk=version.pk)


def _stamped_transition(
    version: RuleVersion, action: RuleVersionAction, stamp_field: str, audit_action: str, acting_user: User
) -> RuleVersion:
    """Lock, move through the state table, record when, and audit: the shape of the simple transitions."""
    version = _lock(version)
    version.status = rule_version_transition(RuleVersionState(version.status), action, acting_user.role).value
    setattr(version, stamp_field, timezone.now())
    version.save(update_fields=["status", stamp_field])
    audit_record(actor=acting_user, action=audit_action, obj=version, data={"rule_id": version.rule_id})
    return version


@transaction.atomic
def rule_version_propose(*, version: RuleVersion, acting_user: User) -> RuleVersion:
    """Put a draft before the works council."""
    return _stamped_transition(
        version, RuleVersionAction.PROPOSE, "proposed_at", AuditAction.RULE_VERSION_PROPOSED, acting_user
    )


@transaction.atomic
def rule_version_decide_consent(
    *,
    version: RuleVersion,
    decision: str,
    reference: str,
    population: str,
    note: str = "",
    decided_on: dt.date | None = None,
    review_by: dt.date | None = None,
    acting_user: User,
) -> ConsentRecord:
    """The works council grants or refuses consent to a proposed version.

    A grant sets ``review_by``: by default 12 months after the decision, never more than 24.
    """
    version = _lock(version)
    action = RuleVersionAction.CONSENT if decision == ConsentDecision.GRANTED else RuleVersionAction.REFUSE
    if decision not in ConsentDecision.values:
        raise DomainError(_("Decide 'granted' or 'refused'."), fields={"decision": [_("Choose granted or refused.")]})
    next_state = rule_version_transition(RuleVersionState(version.status), action, acting_user.role)
    decided_on = decided_on or timezone.localdate()
    review_by = consent_terms_check(
        decision=decision,
        reference=reference,
        population=population,
        note=note,
        decided_on=decided_on,
        review_by=review_by,
    )
    record = ConsentRecord.objects.create(
        rule_version=version,
        decided_by=acting_user,
        decision=decision,
        decided_on=decided_on,
        reference=reference.strip(),
        population=population.strip(),
        note=note,
        review_by=review_by,
    )
    version.status = next_state.value
    version.review_by = review_by
    version.save(update_fields=["status", "review_by"])
    audit_record(
        actor=acting_user,
        action=AuditAction(f"reviews.rule_version.consent_{decision}"),
        obj=version,
        data={"rule_id": version.rule_id, **consent_record_data(record)},
    )
    return record


@transaction.atomic
def rule_version_activate(*, version: RuleVersion, acting_user: User) -> RuleVersion:
    """Activate a consented version. No rule without consent: a granted ConsentRecord must exist."""
    version = _lock(version)
    next_state = rule_version_transition(RuleVersionState(version.status), RuleVersionAction.ACTIVATE, acting_user.role)
    consent = version.consents.filter(decision=ConsentDecision.GRANTED).first()
    consent = activation_check(consent=consent, review_by=version.review_by)
    now = timezone.now()
    previous = RuleVersion.objects.select_for_update().filter(rule_id=version.rule_id, status="active").first()
    if previous is not None:
        previous.status = RuleVersionStatus.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.RULE_VERSION_RETIRED,
            obj=previous,
            data={"rule_id": version.rule_id, "replaced_by": version.pk},
        )
    version.status = next_state.value
    version.activated_at = now
    try:
        with transaction.atomic():
            version.save(update_fields=["status", "activated_at"])
    except IntegrityError as exc:
        raise Conflict(_("Another version of this rule was activated at the same time.")) from exc
    audit_record(
        actor=acting_user,
        action=AuditAction.RULE_VERSION_ACTIVATED,
        obj=version,
        data={
            "rule_id": version.rule_id,
            "consent_id": consent.pk,
            "effective_from": version.effective_from.isoformat(),
        },
    )
    return version


@transaction.atomic
def rule_version_retire(*, version: RuleVersion, acting_user: User) -> RuleVersion:
    """Stop an active (or consented, never activated) version."""
    return _stamped_transition(
        version, RuleVersionAction.RETIRE, "retired_at", AuditAction.RULE_VERSION_RETIRED, acting_user
    )


@transaction.atomic
def rule_version_nullify(*, version: RuleVersion, reason: str, acting_user: User) -> RuleVersion:
    """The works council invokes nullity: the version stops and every alert it raised is quarantined."""
    version = _lock(version)
    next_state = rule_version_transition(RuleVersionState(version.status), RuleVersionAction.NULLIFY, acting_user.role)
    reason = nullity_reason_check(reason)
    now = timezone.now()
    version.status = next_state.value
    version.nullified_at = now
    version.nullity_reason = reason
    version.save(update_fields=["status", "nullified_at", "nullity_reason"])
    alerts = alerts_quarantine_for_rule_version(version=version, acting_user=acting_user, now=now)
    audit_record(
        actor=acting_user,
        action=AuditAction.RULE_VERSION_NULLIFIED,
        obj=version,
        data={"rule_id": version.rule_id, "reason": version.nullity_reason, "alerts_quarantined": len(alerts)},
    )
    return version
