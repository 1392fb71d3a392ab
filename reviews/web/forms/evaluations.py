"""Forms of the work queue, the scoring page and an evaluation (critical errors, the agent appeal)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import CriticalErrorType, RootCause, TargetReason
from reviews.web.forms.common import CauseField, ErrorTypeField, FilterForm, set_choices


class QueueFilterForm(FilterForm):
    STATUS_CHOICES = [
        ("", _("All")),
        ("to_score", _("Not scored by me")),
        ("draft", _("My drafts")),
        ("scored", _("Scored by me")),
        ("assigned", _("Drawn for me")),
    ]
    agent = forms.TypedChoiceField(label=_("Agent"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    channel = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(self, *args: Any, agents: list[tuple[int, str]], channels: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "agent", [("", _("All agents")), *agents])
        set_choices(self, "channel", [("", _("All channels")), *channels])


class StartEvaluationForm(forms.Form):
    scorecard_version = forms.TypedChoiceField(label=_("Scorecard"), coerce=int)
    target_reason = forms.ChoiceField(
        label=_("Targeted review"),
        required=False,
        choices=[("", _("No: routine or drawn by sampling")), *TargetReason.choices],
        help_text=_("A targeted review needs a reason; by default its critical errors do not count toward rules."),
    )
    target_note = forms.CharField(label=_("Note on the reason"), required=False, max_length=500)

    def __init__(self, *args: Any, versions: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "scorecard_version", versions)


class CriticalErrorForm(forms.Form):
    type = ErrorTypeField(
        label=_("Critical error"), queryset=CriticalErrorType.objects.filter(is_active=True), to_field_name="code"
    )
    offset_seconds = forms.IntegerField(
        label=_("Moment (seconds from the start of the call or conversation)"),
        min_value=0,
        widget=forms.NumberInput(attrs={"id": "ce-offset"}),
    )
    note = forms.CharField(label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    root_cause = CauseField(
        label=_("Why it happened (root cause)"),
        queryset=RootCause.objects.filter(is_active=True).order_by("kind", "label_en"),
        to_field_name="code",
    )


class CauseChangeForm(forms.Form):
    root_cause = CauseField(
        label=_("New root cause"),
        queryset=RootCause.objects.filter(is_active=True).order_by("kind", "label_en"),
        to_field_name="code",
    )
    reason = forms.CharField(
        label=_("Why (the agent reads this)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealForm(forms.Form):
    whole_evaluation = forms.BooleanField(label=_("I appeal the whole evaluation"), required=False)
    critical_errors = forms.TypedMultipleChoiceField(
        label=_("Critical errors I contest"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    criteria = forms.TypedMultipleChoiceField(
        label=_("Answers I contest"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Why (at least 20 characters)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )

    def __init__(self, *args: Any, errors: list[tuple[int, str]], criteria: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "critical_errors", errors)
        set_choices(self, "criteria", criteria)
