"""The alert decision form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionForm(forms.Form):
    """Confirm or dismiss an alert."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss"))],
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(
        label=_("Rationale (at least 20 characters)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
