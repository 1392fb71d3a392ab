"""Forms of the appeal handler: the decision per item, reassignment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.web.forms.common import answer_field, set_choices


class AppealDecisionForm(forms.Form):
    """Per item: overturn or not, its reason, and for an answer the corrected points."""

    rationale = forms.CharField(
        label=_("Overall rationale (at least 20 characters)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"i{item.pk}_overturned"] = forms.BooleanField(label=_("Overturn"), required=False)
            # Checked by the service (a reason of at least 10 characters), so "uphold all" may leave it empty.
            self.fields[f"i{item.pk}_rationale"] = forms.CharField(
                label=_("Reason for this item (at least 10 characters)"),
                max_length=4000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
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
