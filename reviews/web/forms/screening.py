"""Forms of screening lists: the QA lead's terms (the council's decisions use the rule forms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.domain.screening import MAX_GAP


class ScreeningTermsForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    phrases = forms.CharField(
        label=_("Phrases (one per line)"),
        help_text=_("Dutch; matched on stems, in this order. “samenwonen” also finds “samenwonend”."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
    )
    max_gap = forms.IntegerField(
        label=_("Other words allowed between two words of a phrase"), min_value=0, max_value=MAX_GAP, initial=2
    )

    def phrase_lines(self) -> tuple[str, ...]:
        return tuple(line for line in self.cleaned_data["phrases"].splitlines() if line.strip())


class ScreeningListForm(ScreeningTermsForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    field_order = ["name", "purpose", "phrases", "max_gap"]
