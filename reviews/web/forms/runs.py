"""The scoring-run form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ScoringRunForm(forms.Form):
    as_of = forms.DateTimeField(
        label=_("As of (empty: now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    full = forms.BooleanField(
        label=_("Score every agent (a full run), not only those with something new since the last run"),
        required=False,
    )
