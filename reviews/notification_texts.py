"""What each kind of notification says, rendered from its parameters in the reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _date(value: str) -> str:
    return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")


def notification_text(kind: str, params: dict[str, Any]) -> str:
    """The text for a kind of notification; empty when it has no parameters (an older, stored text)."""
    from reviews.models import AppealStatus

    if not params:
        return ""
    if kind == "alert_retracted" and params.get("because") == "cause_changed":
        return (
            _(
                "An alert about you (rule “%(rule)s”) was retracted: after a root cause was changed, %(remaining)s "
                "of the counted critical errors remain and the rule needs %(needed)s."
            )
            % params
        )
    if kind == "alert_retracted":
        return (
            _(
                "An alert about you (rule “%(rule)s”) was retracted: after an appeal, %(remaining)s of the counted "
                "critical errors remain and the rule needs %(needed)s."
            )
            % params
        )
    if kind == "self_evaluation_invited":
        return _(
            "Evaluation %(evaluation)s of your call is ready. You may score the call yourself first, until %(until)s."
        ) % {"evaluation": params["evaluation"], "until": _date(params["until"])}
    if kind == "self_evaluation_submitted":
        return _("The agent scored the call of evaluation %(evaluation)s themselves; compare on its page.") % params
    if kind == "coaching_plan_opened":
        return _("A coaching plan was opened for you; you can read it and add your comment.")
    if kind == "coaching_session":
        return _("A coaching session of %(held_on)s was recorded in your plan.") % {"held_on": _date(params["held_on"])}
    if kind == "coaching_plan_closed":
        return _("Your coaching plan was closed.")
    if kind == "confirmation_assigned":
        return _("A second opinion on a critical error is asked of you; give it by %(due)s.") % {
            "due": _date(params["due_on"])
        }
    if kind == "root_cause_changed":
        return _("The root cause of a critical error in evaluation %(evaluation)s was changed; see why there.") % params
    if kind == "appeal_decided":
        outcome = str(AppealStatus(params["outcome"]).label).lower()
        return _("Your appeal on evaluation %(evaluation)s was decided: %(outcome)s.") % {**params, "outcome": outcome}
    if kind == "screening_assigned":
        return (
            ngettext(
                "Screening list “%(list)s” selected %(count)s call for a targeted review by you.",
                "Screening list “%(list)s” selected %(count)s calls for a targeted review by you.",
                params["count"],
            )
            % params
        )
    if kind == "screening_selected":
        return (
            _(
                "Your call %(call)s was selected for a targeted review by screening list “%(list)s”: “%(phrase)s” "
                "was said at %(at)s. A selection is a reason to listen, never an error in itself."
            )
            % params
        )
    if kind == "appeal_assigned":
        return _("An appeal on evaluation %(evaluation)s was assigned to you; decide by %(deadline)s.") % {
            **params,
            "deadline": _date(params["deadline"]),
        }
    return ""


def retraction_text(params: dict[str, Any]) -> str:
    if params.get("because") == "cause_changed":
        return (
            _(
                "After a root cause was changed, %(remaining)s of the counted critical errors remain; the rule "
                "needs %(needed)s."
            )
            % params
        )
    return (
        _("After an appeal, %(remaining)s of the counted critical errors remain; the rule needs %(needed)s.") % params
    )
