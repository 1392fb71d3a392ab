"""What the works council's decisions must hold, for threshold rules and screening lists alike."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.domain.errors import DomainError
from reviews.domain.periods import add_months
from reviews.models import ConsentDecision
from reviews.services.texts import EXPLANATION_MAX_CHARS, too_long

C = TypeVar("C")

REVIEW_DEFAULT_MONTHS = 12
REVIEW_MAX_MONTHS = 24


def consent_terms_check(
    *, decision: str, reference: str, population: str, note: str, decided_on: dt.date, review_by: dt.date | None
) -> dt.date | None:
    """Check a council decision's record (of a rule or a screening list); the review date a grant gets.

    A grant lasts until ``review_by``: by default 12 months after the decision, never more than 24.
    """
    errors: dict[str, list[str]] = {}
    if not reference.strip():
        errors["reference"] = [_("Refer to the council's decision document.")]
    if not population.strip():
        errors["population"] = [_("Say who the consent covers.")]
    if decided_on > timezone.localdate():
        errors["decided_on"] = [_("A decision cannot be dated in the future.")]
    if too_long(note, EXPLANATION_MAX_CHARS):
        errors["note"] = too_long(note, EXPLANATION_MAX_CHARS)
    if decision == ConsentDecision.GRANTED:
        latest_allowed = add_months(decided_on, REVIEW_MAX_MONTHS)
        review_by = review_by or add_months(decided_on, REVIEW_DEFAULT_MONTHS)
        if review_by > latest_allowed:
            errors["review_by"] = [
                _("Consent lasts at most %(months)s months: %(date)s at the latest.")
                % {"months": REVIEW_MAX_MONTHS, "date": latest_allowed.isoformat()}
            ]
        elif review_by <= decided_on:
            errors["review_by"] = [_("The review date must come after the decision.")]
    else:
        review_by = None
    if errors:
        raise DomainError(_("The consent record is not complete; nothing was saved."), fields=errors)
    return review_by


def nullity_reason_check(reason: str) -> str:
    """The grounds for invoking nullity (of a rule or a screening list), stripped."""
    if too_long(reason, EXPLANATION_MAX_CHARS):
        raise DomainError(
            _("The grounds are too long; nothing was saved."),
            fields={"reason": too_long(reason, EXPLANATION_MAX_CHARS)},
        )
    if len(reason.strip()) < 20:
        raise DomainError(
            _("State the grounds for nullity (at least 20 characters)."),
            fields={"reason": [_("At least 20 characters.")]},
        )
    return reason.strip()


def activation_check(*, consent: C | None, review_by: dt.date | None) -> C:
    """The granted consent a version is activated under; none, or one past its review date, refuses."""
    if consent is None:
        raise DomainError(_("This version has no granted consent of the works council."), code="no_consent")
    if review_by is None or review_by < timezone.localdate():
        raise DomainError(
            _("The consent's review date has passed; the works council must consent again."), code="consent_expired"
        )
    return consent


def consent_record_data(record: Any) -> dict[str, Any]:
    """What the audit log keeps of a council decision (a rule's or a screening list's)."""
    return {
        "consent_id": record.pk,
        "reference": record.reference,
        "population": record.population,
        "decided_on": record.decided_on.isoformat(),
        "review_by": record.review_by.isoformat() if record.review_by else None,
    }
