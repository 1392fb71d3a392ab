"""Screening lists under works-council consent: drafting, proposing, consent, activation, retirement
and nullity. The lifecycle is a threshold rule's (draft → proposed → consented → active → retired or
nullified); what an active version does is in ``reviews.services.screening``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reviews.domain.errors import Conflict, DomainError
from reviews.domain.screening import MAX_GAP, Phrase, dutch_stemmer, read_phrases
from reviews.domain.transitions import RuleVersionAction, RuleVersionState, screening_version_transition
from reviews.models import (
    AuditAction,
    CandidateStatus,
    ConsentDecision,
    RuleVersionStatus,
    ScreeningCandidate,
    ScreeningConsent,
    ScreeningList,
    ScreeningListVersion,
    TranscriptSegment,
)
from reviews.services.audit import audit_record
from reviews.services.consent import (
    activation_check,
    consent_record_data,
    consent_terms_check,
    nullity_reason_check,
)
from reviews.services.permissions import require_qa_lead

logger = logging.getLogger(__name__)

SCREEN_CHUNK = 20_000


@dataclass(frozen=True)
class ScreeningTerms:
    """What the works council consents to: why, which phrases, how close their words must stand."""

    purpose: str
    phrases: tuple[str, ...]
    max_gap: int = 2


def _validate(terms: ScreeningTerms) -> list[Phrase]:
    phrases, problems = read_phrases(terms.phrases, dutch_stemmer())
    errors: dict[str, list[str]] = {key: list(texts) for key, texts in problems.items()}
    if not terms.purpose.strip():
        errors["purpose"] = [_("State what the list is for; the works council consents to this purpose.")]
    if not 0 <= terms.max_gap <= MAX_GAP:
        errors["max_gap"] = [_("Between 0 and %(max)s words.") % {"max": MAX_GAP}]
    if errors:
        raise DomainError(_("The screening list is not valid; nothing was saved."), fields=errors)
    return phrases


def _write(version: ScreeningListVersion, terms: ScreeningTerms, phrases: Sequence[Phrase]) -> None:
    version.purpose = terms.purpose.strip()
    version.phrases = [p.text for p in phrases]
    version.max_gap = terms.max_gap
    version.save()


def _terms_data(version: ScreeningListVersion) -> dict[str, Any]:
    return {
        "list_id": version.screening_list_id,
        "number": version.number,
        "purpose": version.purpose,
        "phrases": version.phrases,
        "max_gap": version.max_gap,
    }


@transaction.atomic
def screening_list_create(*, name: str, terms: ScreeningTerms, acting_user: User) -> ScreeningList:
    """A new list starts as draft version 1; it screens nothing until consented and activated."""
    require_qa_lead(acting_user, to=_("drafts and manages screening lists"))
    phrases = _validate(terms)
    name = name.strip()
    if not name:
        raise DomainError(_("Give the list a name."), fields={"name": [_("Required.")]})
    if ScreeningList.objects.filter(name=name).exists():
        raise Conflict(
            _("A screening list named “%(name)s” exists.") % {"name": name},
            code="duplicate_name",
            fields={"name": [_("Already in use.")]},
        )
    screening_list = ScreeningList.objects.create(name=name, created_by=acting_user)
    version = ScreeningListVersion(screening_list=screening_list, number=1, created_by=acting_user)
    _write(version, terms, phrases)
    audit_record(
        actor=acting_user,
        action=AuditAction.SCREENING_LIST_DRAFTED,
        obj=version,
        data={"name": name, **_terms_data(version)},
    )
    return screening_list


@transaction.atomic
def screening_list_revise(
    *, screening_list: ScreeningList, terms: ScreeningTerms, acting_user: User
) -> ScreeningListVersion:
    """Change a list. A draft is edited in place; anything else becomes a new draft needing consent again."""
    require_qa_lead(acting_user, to=_("drafts and manages screening lists"))
    ScreeningList.objects.select_for_update().get(pk=screening_list.pk)
    phrases = _validate(terms)
    draft = screening_list.versions.filter(status=RuleVersionStatus.DRAFT).first()
    if draft is not None:
        _write(draft, terms, phrases)
        audit_record(actor=acting_user, action=AuditAction.SCREENING_VERSION_EDITED, obj=draft, data=_terms_data(draft))
        return draft
    latest = screening_list.versions.order_by("-number").first()
    version = ScreeningListVersion(
        screening_list=screening_list, number=latest.number + 1 if latest else 1, created_by=acting_user
    )
    _write(version, terms, phrases)
    audit_record(
        actor=acting_user,
        action=AuditAction.SCREENING_LIST_DRAFTED,
        obj=version,
        data={"revises": latest.pk if latest else None, **_terms_data(version)},
    )
    return version


def _lock(version: ScreeningListVersion) -> ScreeningListVersion:
    return (
        ScreeningListVersion.objects.select_for_update(of=("self",)).select_related("screening_list").get(pk=version.pk)
    )


def _step(version: ScreeningListVersion, action: RuleVersionAction, acting_user: User) -> ScreeningListVersion:
    version = _lock(version)
    version.status = screening_version_transition(RuleVersionState(version.status), action, acting_user.role).value
    return version


@transaction.atomic
def screening_version_propose(*, version: ScreeningListVersion, acting_user: User) -> ScreeningListVersion:
    """Put a draft before the works council."""
    version = _step(version, RuleVersionAction.PROPOSE, acting_user)
    version.proposed_at = timezone.now()
    version.save(update_fields=["status", "proposed_at"])
    audit_record(
        actor=acting_user, action=AuditAction.SCREENING_VERSION_PROPOSED, obj=version, data=_terms_data(version)
    )
    return version


@transaction.atomic
def screening_version_decide_consent(
    *,
    version: ScreeningListVersion,
    decision: str,
    reference: str,
    population: str,
    note: str = "",
    decided_on: dt.date | None = None,
    review_by: dt.date | None = None,
    acting_user: User,
) -> ScreeningConsent:
    """The works council grants or refuses consent to a proposed version (as for a threshold rule)."""
    if decision not in ConsentDecision.values:
        raise DomainError(_("Decide 'granted' or 'refused'."), fields={"decision": [_("Choose granted or refused.")]})
    action = RuleVersionAction.CONSENT if decision == ConsentDecision.GRANTED else RuleVersionAction.REFUSE
    version = _step(version, action, acting_user)
    decided_on = decided_on or timezone.localdate()
    review_by = consent_terms_check(
        decision=decision,
        reference=reference,
        population=population,
        note=note,
        decided_on=decided_on,
        review_by=review_by,
    )
    record = ScreeningConsent.objects.create(
        version=version,
        decided_by=acting_user,
        decision=decision,
        decided_on=decided_on,
        reference=reference.strip(),
        population=population.strip(),
        note=note,
        review_by=review_by,
    )
    version.review_by = review_by
    version.save(update_fields=["status", "review_by"])
    audit_record(
        actor=acting_user,
        action=AuditAction(f"reviews.screening_version.consent_{decision}"),
        obj=version,
        data={"list_id": version.screening_list_id, **consent_record_data(record)},
    )
    return record


@transaction.atomic
def screening_version_activate(*, version: ScreeningListVersion, acting_user: User) -> ScreeningListVersion:
    """Activate a consented version: it screens transcripts added from now on, never earlier ones."""
    version = _step(version, RuleVersionAction.ACTIVATE, acting_user)
    consent = ScreeningConsent.objects.filter(version=version, decision=ConsentDecision.GRANTED).first()
    consent = activation_check(consent=consent, review_by=version.review_by)
    now = timezone.now()
    previous = (
        ScreeningListVersion.objects.select_for_update()
        .filter(screening_list_id=version.screening_list_id, status=RuleVersionStatus.ACTIVE)
        .first()
    )
    if previous is not None:
        previous.status = RuleVersionStatus.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.SCREENING_VERSION_RETIRED,
            obj=previous,
            data={"list_id": version.screening_list_id, "replaced_by": version.pk},
        )
    version.activated_at = now
    version.screened_through = TranscriptSegment.objects.aggregate(last=Max("pk"))["last"] or 0
    try:
        with transaction.atomic():
            version.save(update_fields=["status", "activated_at", "screened_through"])
    except IntegrityError as exc:
        raise Conflict(_("Another version of this list was activated at the same time.")) from exc
    audit_record(
        actor=acting_user,
        action=AuditAction.SCREENING_VERSION_ACTIVATED,
        obj=version,
        data={"list_id": version.screening_list_id, "consent_id": consent.pk},
    )
    return version


@transaction.atomic
def screening_version_retire(*, version: ScreeningListVersion, acting_user: User) -> ScreeningListVersion:
    """Stop screening. Candidates already selected stay, to be reviewed and counted in the report."""
    version = _step(version, RuleVersionAction.RETIRE, acting_user)
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.SCREENING_VERSION_RETIRED,
        obj=version,
        data={"list_id": version.screening_list_id},
    )
    return version


@transaction.atomic
def screening_version_nullify(*, version: ScreeningListVersion, reason: str, acting_user: User) -> ScreeningListVersion:
    """The works council invokes nullity: the version stops and its unreviewed candidates are withdrawn."""
    version = _step(version, RuleVersionAction.NULLIFY, acting_user)
    version.nullity_reason = nullity_reason_check(reason)
    version.nullified_at = timezone.now()
    version.save(update_fields=["status", "nullified_at", "nullity_reason"])
    withdrawn = ScreeningCandidate.objects.filter(
        version=version, status=CandidateStatus.OPEN, evaluation__isnull=True
    ).update(status=CandidateStatus.WITHDRAWN)
    audit_record(
        actor=acting_user,
        action=AuditAction.SCREENING_VERSION_NULLIFIED,
        obj=version,
        data={"list_id": version.screening_list_id, "reason": version.nullity_reason, "withdrawn": withdrawn},
    )
    return version
