"""Forms of calibration sessions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import Criterion, CriticalErrorType
from reviews.web.forms.common import AnswersForm, ErrorTypeField, set_choices


class CalibrationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    call = forms.TypedChoiceField(label=_("Call"), coerce=int)
    scorecard_version = forms.TypedChoiceField(label=_("Scorecard"), coerce=int)
    participants = forms.TypedMultipleChoiceField(
        label=_("Participants"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    reference_reviewer = forms.TypedChoiceField(
        label=_("Reference reviewer (optional)"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        calls: list[tuple[int, str]],
        versions: list[tuple[int, str]],
        reviewers: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        set_choices(self, "call", calls)
        set_choices(self, "scorecard_version", versions)
        set_choices(self, "participants", reviewers)
        set_choices(self, "reference_reviewer", [("", "-"), *reviewers])


class CalibrationScoreForm(AnswersForm):
    critical_error_type = ErrorTypeField(
        label=_("Critical error (optional)"),
        queryset=CriticalErrorType.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
    )
    critical_error_offset = forms.IntegerField(label=_("At second"), min_value=0, required=False)

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any):
        super().__init__(*args, criteria=criteria, **kwargs)
        del self.fields["summary"]
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"].required = True
