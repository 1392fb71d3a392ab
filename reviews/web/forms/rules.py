"""Forms of threshold rules and the works council decisions on them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import AlertLevel, ConsentDecision, CriticalErrorType
from reviews.web.forms.common import ErrorTypesField, date_input


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    counted_types = ErrorTypesField(
        label=_("Counted critical errors"),
        queryset=CriticalErrorType.objects.filter(is_active=True, counts_toward_thresholds=True),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    count_n = forms.IntegerField(label=_("Number of errors (N)"), min_value=1, initial=3)
    window_days = forms.IntegerField(label=_("Window (days)"), min_value=1, initial=90)
    level = forms.ChoiceField(label=_("Level"), choices=AlertLevel.choices)
    effective_from = forms.DateField(label=_("Effective from"), widget=date_input())
    count_targeted_reviews = forms.BooleanField(
        label=_("Errors from targeted reviews (a complaint, a coaching request) count"), required=False
    )
    exclude_flagged_reviewers = forms.BooleanField(
        label=_("Errors logged by reviewers flagged in calibration do not count"), required=False
    )
    exclude_systemic_causes = forms.BooleanField(
        label=_("Errors with a systemic root cause (time pressure, an outage, unclear policy) do not count"),
        required=False,
    )
    requires_confirmation = forms.BooleanField(
        label=_("An error counts only after a second reviewer has confirmed it, without seeing the first judgment"),
        required=False,
    )


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ConsentDecision.choices, widget=forms.RadioSelect)
    reference = forms.CharField(label=_("Reference (e.g. minutes)"), max_length=200)
    population = forms.CharField(label=_("Population covered"), max_length=500)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    review_by = forms.DateField(label=_("Review by (empty: 12 months)"), required=False, widget=date_input())


class NullityForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for invoking nullity"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
