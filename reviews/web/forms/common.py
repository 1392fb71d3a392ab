"""Form parts the pages share: answers, error types, filters, months."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reviews.domain.periods import MONTH_PATTERN
from reviews.models import Criterion, CriticalErrorType
from reviews.templatetags.labels import cause_label

NOT_APPLICABLE = "na"


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class FilterForm(forms.Form):
    """Filters arrive by GET; an invalid value is shown as an error and ignored, never a 500."""

    def cleaned_or_empty(self) -> dict[str, Any]:
        if not self.is_valid():
            return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def date_input() -> forms.DateInput:
    """An HTML date picker: it takes ISO dates whatever the page's language (a localized value leaves it empty)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def error_type_label(error_type: CriticalErrorType) -> str:
    """The type's name in the page's language (codes never reach a page)."""
    label = error_type.label_nl if get_language() == "nl" else error_type.label_en
    return label or error_type.label_en or error_type.code


class CauseField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return cause_label(obj)


class ErrorTypeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return error_type_label(obj)


class ErrorTypesField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return error_type_label(obj)


def answer_field(criterion: Criterion, required: bool = False) -> forms.ChoiceField:
    choices: list[tuple[str, str]] = [("", "-")]
    choices += [(str(p), str(p)) for p in range(criterion.max_points + 1)]
    if criterion.na_allowed:
        choices.append((NOT_APPLICABLE, str(_("N/A"))))
    return forms.ChoiceField(
        label=criterion.text,
        help_text=criterion.guidance,
        choices=choices,
        required=required,
    )


class AnswersForm(forms.Form):
    """One field per criterion (``c<id>``: points or N/A) and the summary."""

    summary = forms.CharField(
        label=_("Summary for the agent"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = answer_field(criterion)

    def grouped(self) -> list[tuple[Any, list[tuple[Criterion, forms.BoundField]]]]:
        """The criteria under their sections, in scorecard order, each with its field."""
        sections: dict[int, tuple[Any, list[tuple[Criterion, forms.BoundField]]]] = {}
        for criterion in self.criteria:
            entry = sections.setdefault(criterion.section_id, (criterion.section, []))
            entry[1].append((criterion, self[f"c{criterion.pk}"]))
        return list(sections.values())

    def answers(self) -> list[tuple[int, int | None, bool]]:
        """(criterion id, points, not applicable) for every criterion that has an answer."""
        chosen: list[tuple[int, int | None, bool]] = []
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"c{criterion.pk}")
            if value in (None, ""):
                continue
            if value == NOT_APPLICABLE:
                chosen.append((criterion.pk, None, True))
            else:
                chosen.append((criterion.pk, int(value), False))
        return chosen


class PeriodForm(FilterForm):
    start = forms.DateField(label=_("From"), required=False, widget=date_input())
    end = forms.DateField(label=_("To"), required=False, widget=date_input())
    period = forms.ChoiceField(
        label=_("Per"), required=False, choices=[("month", _("Month")), ("quarter", _("Quarter"))]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise forms.ValidationError(_("The start must lie before the end."))
        return data


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}", "placeholder": "2026-10"})
    default_validators = [RegexValidator(MONTH_PATTERN, _("Write the month as YYYY-MM."))]
