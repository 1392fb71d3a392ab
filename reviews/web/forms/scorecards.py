"""Forms of the scorecard pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.web.forms.common import set_choices


class ScorecardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)


class CriterionForm(forms.Form):
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    text = forms.CharField(label=_("Criterion"), max_length=500)
    guidance = forms.CharField(label=_("Guidance for reviewers"), required=False)
    max_points = forms.IntegerField(label=_("Maximum points"), min_value=1, max_value=100, initial=2)
    na_allowed = forms.BooleanField(label=_("N/A allowed"), required=False)

    def __init__(self, *args: Any, sections: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "section", sections)
