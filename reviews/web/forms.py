"""Page forms. They only translate what a person typed; every rule is checked by the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reviews.domain.sampling import MONTH_PATTERN
from reviews.models import AlertLevel, ConsentDecision, Criterion, CriticalErrorType, TargetReason

NOT_APPLICABLE = "na"


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class FilterForm(forms.Form):
    """Filters arrive by GET; an invalid value is shown as an error and ignored, never a 500."""

    def cleaned_or_empty(self) -> dict[str, Any]:
        if not self.is_valid():
            return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


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


def error_type_label(error_type: CriticalErrorType) -> str:
    """The type's name in the page's language, with its code (the code is what rules and reports show)."""
    label = error_type.label_nl if get_language() == "nl" else error_type.label_en
    return f"{label} ({error_type.code})" if label else error_type.code


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


class CriticalErrorForm(forms.Form):
    type = ErrorTypeField(
        label=_("Critical error"), queryset=CriticalErrorType.objects.filter(is_active=True), to_field_name="code"
    )
    offset_seconds = forms.IntegerField(
        label=_("Moment in the recording (seconds)"), min_value=0, widget=forms.NumberInput(attrs={"id": "ce-offset"})
    )
    note = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(forms.Form):
    whole_evaluation = forms.BooleanField(label=_("I appeal the whole evaluation"), required=False)
    critical_errors = forms.TypedMultipleChoiceField(
        label=_("Critical errors I contest"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    criteria = forms.TypedMultipleChoiceField(
        label=_("Answers I contest"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Why (at least 20 characters)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args: Any, errors: list[tuple[int, str]], criteria: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "critical_errors", errors)
        set_choices(self, "criteria", criteria)


class DecisionForm(forms.Form):
    """Confirm or dismiss an alert."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss"))],
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(label=_("Rationale (at least 20 characters)"), widget=forms.Textarea(attrs={"rows": 4}))


class AppealDecisionForm(forms.Form):
    """Per item: overturn or not, its reason, and for an answer the corrected points."""

    rationale = forms.CharField(
        label=_("Overall rationale (at least 20 characters)"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"i{item.pk}_overturned"] = forms.BooleanField(label=_("Overturn"), required=False)
            self.fields[f"i{item.pk}_rationale"] = forms.CharField(
                label=_("Reason for this item"), widget=forms.Textarea(attrs={"rows": 2})
            )
            if item.criterion_id is not None:
                self.fields[f"i{item.pk}_corrected"] = answer_field(item.criterion)
                self.fields[f"i{item.pk}_corrected"].label = _("Corrected answer (if overturned)")

    def item_fields(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(item, [self[name] for name in self.fields if name.startswith(f"i{item.pk}_")]) for item in self.items]


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "assignee", people)


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
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))


class ScoringRunForm(forms.Form):
    as_of = forms.DateTimeField(
        label=_("As of (empty: now)"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


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


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ConsentDecision.choices, widget=forms.RadioSelect)
    reference = forms.CharField(label=_("Reference (e.g. minutes)"), max_length=200)
    population = forms.CharField(label=_("Population covered"), max_length=500)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    review_by = forms.DateField(
        label=_("Review by (empty: 12 months)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class NullityForm(forms.Form):
    reason = forms.CharField(label=_("Reason for invoking nullity"), widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(FilterForm):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(
        label=_("Per"), required=False, choices=[("month", _("Month")), ("quarter", _("Quarter"))]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise forms.ValidationError(_("The start must lie before the end."))
        return data


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


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}", "placeholder": "2026-10"})
    default_validators = [RegexValidator(MONTH_PATTERN, _("Write the month as YYYY-MM."))]


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


class CallImportForm(forms.Form):
    file = forms.FileField(
        label=_("Telephony export (CSV or JSON lines)"),
        help_text=_(
            "Columns: external_id, agent (username or employee number), channel, started_at (ISO 8601 with "
            "offset), handle_time_seconds, recording_reference (optional)."
        ),
    )
    source = forms.CharField(label=_("Source"), max_length=40, initial="telephony")
