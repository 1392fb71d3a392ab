"""Role checks that services share. Visibility is the selectors' job; these say who may act."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import NotPermitted


def require_qa_lead(acting_user: User | None, *, to: str) -> None:
    """Only a QA lead may do this (``None`` is the system itself: a scheduled job). ``to`` completes
    the sentence "Only a QA lead …", e.g. "manages scorecards", translated by the caller."""
    if acting_user is not None and acting_user.role != Role.QA_LEAD:
        raise NotPermitted(_("Only a QA lead %(does)s.") % {"does": to}, code="role_not_allowed")
