from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

YES_NO = [("yes", _("Yes, the error is there")), ("no", _("No, I do not hear this error"))]
STANDS = [("yes", _("The error stands: it counts")), ("no", _("The error does not stand: it never counts"))]


class ConfirmationAnswerForm(forms.Form):
    found = forms.ChoiceField(label=_("Is this critical error there?"), choices=YES_NO, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("What you heard (optional)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmationDecisionForm(forms.Form):
    confirmed = forms.ChoiceField(label=_("Your decision"), choices=STANDS, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label=_("Why (at least 20 characters)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
