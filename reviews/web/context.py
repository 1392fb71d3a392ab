"""The navigation of each role, for the page header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User

NAVIGATION = {
    Role.AGENT: [("web:me", _("My evaluations")), ("web:appeals", _("My appeals")), ("web:coaching", _("Coaching"))],
    Role.SUPERVISOR: [
        ("web:queue", _("Work queue")),
        ("web:dashboard", _("Dashboard")),
        ("web:search", _("Search")),
        ("web:screening-candidates", _("Selected by screening")),
        ("web:confirmations", _("Second opinions")),
        ("web:alerts", _("Alerts")),
        ("web:coaching", _("Coaching")),
        ("web:appeals", _("Appeals")),
        ("web:calibrations", _("Calibration")),
        ("web:consistency", _("Consistency")),
    ],
    Role.QA_LEAD: [
        ("web:queue", _("Work queue")),
        ("web:dashboard", _("Dashboard")),
        ("web:search", _("Search")),
        ("web:scorecards", _("Scorecards")),
        ("web:rules", _("Threshold rules")),
        ("web:screening-lists", _("Screening lists")),
        ("web:screening-candidates", _("Selected by screening")),
        ("web:root-causes", _("Root causes")),
        ("web:runs", _("Scoring runs")),
        ("web:imports", _("Imports")),
        ("web:sampling", _("Sampling")),
        ("web:alerts", _("Alerts")),
        ("web:confirmations", _("Second opinions")),
        ("web:coaching", _("Coaching")),
        ("web:appeals", _("Appeals")),
        ("web:calibrations", _("Calibration")),
        ("web:consistency", _("Consistency")),
    ],
    Role.WORKS_COUNCIL: [
        ("web:council-register", _("Rule register")),
        ("web:screening-lists", _("Screening lists")),
        ("web:council-usage", _("Rule usage")),
        ("web:council-breakdown", _("Group breakdown")),
        ("web:council-pressure", _("Pressure indicators")),
        ("web:council-causes", _("Root causes")),
        ("web:council-audit", _("Audit log")),
        ("web:fairness", _("Sampling fairness")),
    ],
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"navigation": []}
    from reviews.selectors import notifications_of

    return {
        "navigation": NAVIGATION.get(Role(user.role), []) if user.role in Role.values else [],
        # Counted lazily: only pages that show the header pay for it.
        "unread_notifications": lambda: notifications_of(user).filter(read_at__isnull=True).count(),
    }
