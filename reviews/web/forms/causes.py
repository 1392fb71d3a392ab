from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import CauseKind


class RootCauseForm(forms.Form):
    code = forms.CharField(label=_("Code (letters, digits, underscores)"), max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=CauseKind.choices, widget=forms.RadioSelect)
    label_nl = forms.CharField(label=_("Name in Dutch"), max_length=200)
    label_en = forms.CharField(label=_("Name in English"), max_length=200)
    description_nl = forms.CharField(
        label=_("Description in Dutch"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_en = forms.CharField(
        label=_("Description in English"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RootCauseReviseForm(RootCauseForm):
    """The same fields without the code: a new version keeps the cause's code."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["code"]
