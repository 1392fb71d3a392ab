"""Filter fields shared by the API's list filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms


class UtcDateTimeField(forms.DateTimeField):
    """An ISO 8601 time with a real-world UTC offset (at most 14 hours), handed on as UTC."""

    def to_python(self, value: Any) -> dt.datetime | None:
        parsed = django_filters.fields.IsoDateTimeField().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is None or abs(offset) > dt.timedelta(hours=14):
            raise forms.ValidationError("Give an ISO 8601 time with a UTC offset between -14:00 and +14:00.")
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("That time is out of range.") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField
