from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.domain.scoring import AnswerValue
from reviews.models import Criterion

NOT_APPLICABLE = "na"


class SelfEvaluationForm(forms.Form):
    """One choice per criterion (points, or N/A where allowed), an optional remark each, and a comment."""

    comment = forms.CharField(
        label=_("Anything you want the reviewer to know (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            choices: list[tuple[str, str]] = [("", str(_("Choose")))]
            if criterion.na_allowed:
                choices.append((NOT_APPLICABLE, str(_("N/A"))))
            choices += [(str(p), f"{p} / {criterion.max_points}") for p in range(criterion.max_points, -1, -1)]
            self.fields[f"c{criterion.pk}"] = forms.ChoiceField(
                label=criterion.text, choices=choices, help_text=criterion.guidance
            )
            self.fields[f"r{criterion.pk}"] = forms.CharField(
                label=_("Your remark (optional)"), required=False, max_length=4000
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"c{c.pk}"], self[f"r{c.pk}"]) for c in self.criteria]

    def answers(self) -> list[AnswerValue]:
        values = []
        for criterion in self.criteria:
            choice = self.cleaned_data[f"c{criterion.pk}"]
            if choice == NOT_APPLICABLE:
                values.append(AnswerValue(criterion.pk, None, True))
            else:
                values.append(AnswerValue(criterion.pk, int(choice), False))
        return values

    def remarks(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"r{c.pk}"] for c in self.criteria if self.cleaned_data[f"r{c.pk}"]}
