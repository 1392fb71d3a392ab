"""Filter fields shared by the API's list filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from reviews.api.fields import BIGINT_MAX, MOMENT_HELP, parse_moment


class UtcDateTimeField(forms.DateTimeField):
    """An RFC 3339 time with a real-world UTC offset (see reviews.api.fields), handed on as UTC."""

    def to_python(self, value: Any) -> dt.datetime | None:
        if value is None:
            return None
        try:
            return parse_moment(value)
        except ValueError:
            raise forms.ValidationError(MOMENT_HELP) from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number from 1, never larger than the database's ids can be."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class StrictFilterBackend(DjangoFilterBackend):
    """A declared filter given without a value is an error, not "no filter": ``?status=`` is a slip."""

    def get_filterset_kwargs(self, request: Request, queryset: QuerySet[Any], view: Any) -> dict[str, Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            empty = sorted(name for name in filterset_class.base_filters if "" in request.query_params.getlist(name))
            if empty:
                raise ValidationError({name: ["Give a value, or leave the parameter out."] for name in empty})
        return super().get_filterset_kwargs(request, queryset, view)  # type: ignore[no-any-return]


class _TrueOrFalse(forms.Field):
    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if value not in ("true", "false"):
            raise forms.ValidationError("Write true or false.")
        return value == "true"


@extend_schema_field({"type": "boolean"})
class BoolFilter(django_filters.BooleanFilter):
    """true or false, and nothing else ("null", "1" and "yes" are refused, not read as no filter)."""

    field_class = _TrueOrFalse
