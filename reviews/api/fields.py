"""Input fields that take JSON as the schema says: no coercion of a number into text, of "yes" into true.

DRF's fields are lenient on purpose (form posts carry only text). The API reads JSON, so a
value of the wrong JSON type is an error the client should hear about; multipart uploads
(calls with a recording) stay lenient, as a form can only send text.

Times follow RFC 3339 with a real-world offset, in the years the product deals with; the
same rule is in the OpenAPI schema as a pattern (``reviews.api.schema``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

from django.db import models
from django.http import QueryDict
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from reviews.services.critical_error_types import CODE_PATTERN

# 1970-2099, seconds optional fractions, Z or an offset of at most 14:00 (no place is further from UTC).
MOMENT_PATTERN = (
    r"^(19[7-9]\d|20\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?"
    r"(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)$"
)
MOMENT_HELP = gettext_lazy(
    "An RFC 3339 time with its UTC offset between 1970 and 2099, e.g. 2026-11-01T00:00:00+01:00."
)
_MOMENT = re.compile(MOMENT_PATTERN)
BIGINT_MAX = 2**63 - 1


def parse_moment(raw: str) -> dt.datetime:
    """The moment ``raw`` names, in UTC; ValueError when it is not one (see MOMENT_PATTERN)."""
    if not isinstance(raw, str) or not _MOMENT.match(raw):
        raise ValueError(MOMENT_HELP)
    parsed = parse_datetime(raw)
    if parsed is None:  # e.g. 31 February
        raise ValueError(MOMENT_HELP)
    return parsed.astimezone(dt.UTC)


def _from_json(field: serializers.Field) -> bool:  # type: ignore[type-arg]
    """Whether the request body this field reads was JSON (forms send only text)."""
    root = field.root
    return not isinstance(getattr(root, "initial_data", None), QueryDict)


class _NotLongerThanSent:
    """max_length applies to the text as sent, before white space is trimmed (as the schema says)."""

    max_length: int | None

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)  # type: ignore[attr-defined]
        return super().run_validation(data)  # type: ignore[misc]


def _is_text(data: Any) -> bool:
    """A str PostgreSQL can store: valid UTF-8 (no lone surrogates)."""
    if not isinstance(data, str):
        return False
    try:
        data.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class CharField(_NotLongerThanSent, serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if (isinstance(data, str) and not _is_text(data)) or (not isinstance(data, str) and _from_json(self)):
            self.fail("invalid")
        return super().to_internal_value(data)


class RegexField(_NotLongerThanSent, serializers.RegexField):
    def to_internal_value(self, data: Any) -> str:
        if not _is_text(data) and (isinstance(data, str) or _from_json(self)):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool) and _from_json(self):
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


class IntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if (isinstance(data, bool) or not isinstance(data, int | float)) and _from_json(self):
            self.fail("invalid")
        return super().to_internal_value(data)


class DateTimeField(serializers.DateTimeField):
    default_error_messages = {"invalid": MOMENT_HELP}

    def to_internal_value(self, value: Any) -> dt.datetime:
        try:
            return parse_moment(value)
        except ValueError:
            self.fail("invalid")


class ChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) and _from_json(self):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class TypeCodeField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A critical-error type by its code; anything that cannot be a code is refused before the database."""

    def __init__(self, **kwargs: Any) -> None:
        from reviews.models import CriticalErrorType

        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", CriticalErrorType.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not re.fullmatch(CODE_PATTERN, data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:50])
        return super().to_internal_value(data)


class CauseCodeField(TypeCodeField):
    """A root cause in use, by its code (its current version)."""

    def __init__(self, **kwargs: Any) -> None:
        from reviews.models import RootCause

        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", RootCause.objects.filter(is_active=True))
        super().__init__(**kwargs)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """An object id: a JSON whole number from 1 that a database id can be."""

    def to_internal_value(self, data: Any) -> Any:
        if _from_json(self) and (isinstance(data, bool) or not isinstance(data, int)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, int) and not 1 <= data <= BIGINT_MAX:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


_M = TypeVar("_M", bound=models.Model)


class ModelSerializer(serializers.ModelSerializer[_M]):
    """A ModelSerializer whose generated fields are the strict ones above."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.BooleanField: BooleanField,
        models.IntegerField: IntegerField,
        models.PositiveIntegerField: IntegerField,
        models.PositiveSmallIntegerField: IntegerField,
        models.SmallIntegerField: IntegerField,
        models.BigIntegerField: IntegerField,
        models.DateTimeField: DateTimeField,
    }
    serializer_choice_field = ChoiceField


class TypeCodeSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = "reviews.api.fields.TypeCodeField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        target = schema.get("items", schema)
        target.update({"type": "string", "pattern": CODE_PATTERN, "maxLength": 50})
        return schema


class CauseCodeSchema(TypeCodeSchema):
    target_class = "reviews.api.fields.CauseCodeField"


class IdSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = "reviews.api.fields.PrimaryKeyRelatedField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        target = schema.get("items", schema)
        if direction == "request" and target.get("type") == "integer":
            target.update({"minimum": 1, "maximum": BIGINT_MAX})
        return schema


class TextSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Text says in the schema what DRF checks: no NUL, and when required, a character besides white space."""

    target_class = "reviews.api.fields.CharField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if direction != "request" or field.read_only:
            return schema
        # PostgreSQL stores no NUL character; DRF refuses it, and so does the schema.
        if field.allow_blank:
            schema.setdefault("pattern", r"^[^\x00]*$")
        else:
            schema.setdefault("minLength", 1)
            schema.setdefault("pattern", r"^[^\x00]*[^\x00\s][^\x00]*$")
        return schema
