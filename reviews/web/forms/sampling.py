"""Forms of sampling policies, draws and the fairness report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.web.forms.common import FilterForm, MonthField, set_choices


class SamplingPolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    calls_per_agent = forms.IntegerField(label=_("Calls per agent per month"), min_value=1, max_value=100, initial=4)
    per_agent_cap = forms.IntegerField(
        label=_("Cap per agent per month (sampled and targeted together)"), min_value=1, max_value=100, initial=6
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels (none ticked: all)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    min_handle_seconds = forms.IntegerField(
        label=_("Shortest call (seconds, empty: 0)"), min_value=0, initial=60, required=False
    )
    max_handle_seconds = forms.IntegerField(
        label=_("Longest call (seconds, empty: no limit)"), min_value=0, required=False
    )
    seed = forms.IntegerField(label=_("Seed (empty: chosen at random)"), min_value=0, required=False)
    exclude_own_supervisor = forms.BooleanField(
        label=_("Never the agent's own supervisor"), required=False, initial=True
    )

    def __init__(self, *args: Any, channels: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "channels", channels)


class SamplingDrawForm(forms.Form):
    policy = forms.TypedChoiceField(label=_("Policy"), coerce=int)
    period = MonthField(label=_("Month"))

    def __init__(self, *args: Any, policies: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "policy", policies)


class FairnessForm(FilterForm):
    policy = forms.TypedChoiceField(label=_("Policy"), coerce=int)
    period = MonthField(label=_("Month"))

    def __init__(self, *args: Any, policies: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "policy", policies)
