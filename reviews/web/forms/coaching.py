from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import CoachingStatus
from reviews.web.forms.common import date_input, set_choices


class CoachingPlanForm(forms.Form):
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int)
    goals = forms.CharField(
        label=_("Goals: what the agent will work on, and how you will both know"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evaluation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    alert = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, agents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "agent", agents)


class CoachingSessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the session"), widget=date_input())
    notes = forms.CharField(label=_("What was discussed"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    agreed_actions = forms.CharField(
        label=_("Agreed actions"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CoachingCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment on this plan"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CoachingCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Close the plan as"),
        choices=[(CoachingStatus.COMPLETED, _("Completed")), (CoachingStatus.CANCELLED, _("Cancelled"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
