"""The call-import upload form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CallImportForm(forms.Form):
    file = forms.FileField(
        label=_("Telephony export (CSV or JSON lines)"),
        help_text=_(
            "Columns: external_id, agent (username or employee number), channel, started_at (ISO 8601 with "
            "offset), handle_time_seconds, recording_reference (optional)."
        ),
    )
    source = forms.CharField(label=_("Source"), max_length=40, initial="telephony")
